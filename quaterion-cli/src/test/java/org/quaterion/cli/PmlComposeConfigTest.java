package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.loss.MultipleLosses;
import org.quaterion.loss.SelfSupervisedLoss;
import org.quaterion.loss.SimilarityLoss;

/** The composite losses and the PML reducers from a training YAML: read, built, and rebuilt from their config. */
class PmlComposeConfigTest {

    @TempDir
    Path tmp;

    private TrainConfig read(String loss) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, "model:\n  encoder: minilm-int8\ndata:\n  kind: groups\n  train: groups.jsonl\n"
                + "loss:\n" + loss + "output: out\n");
        return TrainConfig.read(file);
    }

    private static SimilarityLoss build(TrainConfig c) {
        return TrainConfig.REGISTRY.loss(c.loss(), c.lossSettings());
    }

    @Test
    void compositeLossesAndReducersComeFromYaml() throws Exception {
        TrainConfig c = read("  name: multiple_losses\n  losses:\n    - type: contrastive\n"
                + "      reducer: {type: per_anchor, reducer: avg_non_zero}\n"
                + "    - {type: triplet_margin, margin: 0.1, reducer: {type: class_weighted, weights: [1, 2, 0.5]}}\n"
                + "  weights: [1, 0.5]\n  miners: [null, {type: triplet_margin, type_of_triplets: semihard}]\n");
        MultipleLosses loss = (MultipleLosses) build(c);
        JsonObject config = loss.config();
        assertEquals("per_anchor", config.getAsJsonArray("losses").get(0).getAsJsonObject()
                .getAsJsonObject("reducer").get("type").getAsString());
        assertEquals("[1.0,0.5]", config.get("weights").toString());
        assertEquals(config, TrainConfig.REGISTRY.loss(TrainConfig.REGISTRY.describe(loss)).config(), "round trip");
        SelfSupervisedLoss ssl = (SelfSupervisedLoss) build(read("  name: self_supervised\n"
                + "  loss: {type: ntxent, temperature: 0.1}\n  symmetric: false\n"));
        assertEquals(ssl.config(), TrainConfig.REGISTRY.loss(TrainConfig.REGISTRY.describe(ssl)).config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(
                "  name: self_supervised\n  loss: {type: fast_ap}\n"));
        assertTrue(e.getMessage().contains("cannot wrap FastAPLoss"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read("  name: multiple_losses\n  losses: [contrastive]\n"
                + "  weights: [1, 2]\n"));
        assertTrue(e.getMessage().contains("a weight for every loss or none"), e.getMessage());
    }
}
