package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PML's pair and tuple losses from a training YAML: names, settings, a miner, and what is refused. */
class PmlTupleLossYamlTest {

    @TempDir
    Path tmp;

    private TrainConfig read(String loss, String miner) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, "model:\n  encoder: minilm-int8\n  head: skip_connection\nloss:\n" + loss
                + (miner == null ? "" : "miner:\n" + miner)
                + "data:\n  kind: groups\n  train: groups.jsonl\ntrainer:\n  epochs: 1\noutput: out\n");
        return TrainConfig.read(file);
    }

    @Test
    void eachLossIsReadWithItsSettings() throws Exception {
        String[][] cases = {
            {"  name: angular\n  alpha: 35\n", "alpha", "35.0"},
            {"  name: generalized_lifted_structure\n  neg_margin: 0.7\n", "neg_margin", "0.7"},
            {"  name: intra_pair_variance\n  pos_eps: 0.05\n", "pos_eps", "0.05"},
            {"  name: n_pairs\n  distance: cosine\n", "distance", "{\"name\":\"cosine\",\"normalize\":true,\"scale\":1.0}"},
            {"  name: nca\n  softmax_scale: 4\n", "softmax_scale", "4.0"},
            {"  name: tuplet_margin\n  margin: 8\n  scale: 32\n", "scale", "32.0"},
            {"  name: dynamic_soft_margin\n  num_bins: 20\n", "num_bins", "20"}};
        for (String[] c : cases) {
            TrainConfig config = read(c[0], "  name: triplet_margin\n  type_of_triplets: semihard\n");
            JsonObject built = TrainConfig.REGISTRY.loss(config.loss(), config.lossSettings()).config();
            assertEquals(c[2], built.get(c[1]).toString(), c[0]);
        }
    }

    @Test
    void aDistanceTheLossCannotUseIsRefusedByName() throws Exception {
        for (String name : new String[] {"angular", "tuplet_margin", "dynamic_soft_margin"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read("  name: " + name + "\n  distance: cosine\n", null));
            assertTrue(e.getMessage().contains("distance"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("  name: dynamic_soft_margin\n  reducer: sum\n", null));
        assertTrue(e.getMessage().contains("reducer"), e.getMessage());
    }
}
