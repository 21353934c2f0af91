package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.loss.MarginLoss;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.MultipleReducers;
import org.quaterion.reducer.SumReducer;

/** MarginLoss from a training YAML: its default divisor reducer, or the reducer the YAML names. */
class DivisorLossesYamlTest {

    @TempDir
    Path tmp;

    private JsonObject lossConfig(String loss) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, "model:\n  encoder: minilm-int8\nloss:\n" + loss + "data:\n  kind: groups\n"
                + "  train: groups.jsonl\ntrainer:\n  epochs: 1\noutput: out\n");
        TrainConfig c = TrainConfig.read(file);
        return TrainConfig.REGISTRY.loss(c.loss(), c.lossSettings().deepCopy()).config();
    }

    @Test
    void marginLossTakesItsReducerFromYaml() throws Exception {
        assertEquals(new MarginLoss().config(), lossConfig("  name: margin\n"));
        assertEquals("divisor", lossConfig("  name: margin\n").get("reducer").getAsString());
        assertEquals(MarginLoss.builder().optReducer(new MeanReducer()).build().config(),
                lossConfig("  name: margin\n  reducer: mean\n"));
        assertEquals(MarginLoss.builder().optReducer(MultipleReducers.builder().add("margin_loss", new SumReducer())
                .build()).build().config(),
                lossConfig("  name: margin\n  reducer: {type: multiple, reducers: {margin_loss: sum}}\n"));
    }
}
