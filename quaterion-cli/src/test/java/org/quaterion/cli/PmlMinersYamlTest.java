package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.miner.AngularMiner;
import org.quaterion.miner.BatchEasyHardMiner;
import org.quaterion.miner.DistanceWeightedMiner;
import org.quaterion.miner.EmbeddingsAlreadyPackagedAsTriplets;
import org.quaterion.miner.HDCMiner;
import org.quaterion.miner.Miner;
import org.quaterion.miner.UniformHistogramMiner;

/** The PML miners from a training YAML: each one's settings as the builder makes them, and back through the registry. */
class PmlMinersYamlTest {

    @TempDir
    Path tmp;

    private Miner fromYaml(String miner) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, "model:\n  encoder: minilm-int8\n  head: skip_connection\nloss:\n  name: triplet_margin\n"
                + "data:\n  kind: groups\n  train: groups.jsonl\ntrainer:\n  epochs: 1\noutput: out\nminer:\n" + miner);
        TrainConfig c = TrainConfig.read(file);
        return TrainConfig.REGISTRY.miner(c.miner(), c.minerSettings());
    }

    @Test
    void pmlMinersReadFromYamlAndRoundTrip() throws Exception {
        Map<String, Miner> expected = Map.of(
                "  name: angular\n  angle: 35\n", AngularMiner.builder().optAngle(35).build(),
                "  name: batch_easy_hard\n  pos_strategy: hard\n  neg_strategy: semihard\n"
                        + "  allowed_pos_range: [0.1, 1.2]\n  distance: cosine\n",
                BatchEasyHardMiner.builder().optPosStrategy(BatchEasyHardMiner.Strategy.HARD)
                        .optNegStrategy(BatchEasyHardMiner.Strategy.SEMI_HARD)
                        .optAllowedPosRange(new BatchEasyHardMiner.Range(0.1, 1.2)).optDistance(Distance.cosine())
                        .build(),
                "  name: distance_weighted\n  cutoff: 0.6\n  nonzero_loss_cutoff: 1.3\n  seed: 5\n",
                DistanceWeightedMiner.builder().optCutoff(0.6).optNonzeroLossCutoff(1.3).optSeed(5).build(),
                "  name: already_packaged_triplets\n", new EmbeddingsAlreadyPackagedAsTriplets(),
                "  name: hdc\n  filter_percentage: 0.3\n", HDCMiner.builder().optFilterPercentage(0.3).build(),
                "  name: uniform_histogram\n  num_bins: 20\n  pos_per_bin: 3\n  neg_per_bin: 4\n",
                UniformHistogramMiner.builder().optNumBins(20).optPosPerBin(3).optNegPerBin(4).build());
        for (Map.Entry<String, Miner> e : expected.entrySet()) {
            Miner read = fromYaml(e.getKey());
            assertEquals(e.getValue().getClass(), read.getClass());
            assertEquals(e.getValue().config(), read.config(), e.getKey());
            JsonObject description = TrainConfig.REGISTRY.describe(read);
            assertEquals(read.config(), TrainConfig.REGISTRY.miner(description).config(), "round trip " + description);
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> fromYaml("  name: batch_easy_hard\n  pos_strategy: semihard\n"));
        assertTrue(refused.getMessage().contains("semi_hard"), refused.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> fromYaml("  name: batch_easy_hard\n  allowed_neg_range: [1.5]\n"));
        assertTrue(range.getMessage().contains("[min, max]"), range.getMessage());
    }
}
