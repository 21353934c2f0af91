package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.loss.DecoupledContrastiveLoss;
import org.quaterion.loss.DynamicArcFaceLoss;
import org.quaterion.loss.MultiSupConLoss;
import org.quaterion.loss.Pml;
import org.quaterion.loss.SelectivelyContrastiveTripletLoss;
import org.quaterion.loss.SmoothAPLoss;
import org.quaterion.loss.TripletMarginLoss;

/** The PML 3 losses and memory controls from a training YAML: read by the registry with their settings. */
class PmlV3YamlTest {

    @TempDir
    Path tmp;

    private JsonObject lossConfig(String loss) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, "model:\n  encoder: minilm-int8\nloss:\n" + loss + "data:\n  kind: groups\n"
                + "  train: groups.jsonl\ntrainer:\n  epochs: 1\noutput: out\n");
        TrainConfig c = TrainConfig.read(file);
        JsonObject settings = c.lossSettings().deepCopy();
        if (c.loss().equals("dynamic_arcface")) { // as training does: classes from the data, width from the head
            settings.addProperty("num_classes", 3);
            settings.addProperty("embedding_size", 384);
        }
        return TrainConfig.REGISTRY.loss(c.loss(), settings).config();
    }

    @Test
    void pmlV3LossesReadFromYaml() throws Exception {
        assertEquals(SmoothAPLoss.builder().optTemperature(0.05).build().config(),
                lossConfig("  name: smooth_ap\n  temperature: 0.05\n"));
        assertEquals(MultiSupConLoss.builder().optThreshold(0.3).build().config(),
                lossConfig("  name: multi_supcon\n  threshold: 0.3\n"));
        assertEquals(DecoupledContrastiveLoss.builder().optSigma(0.5).build().config(),
                lossConfig("  name: decoupled_contrastive\n  sigma: 0.5\n"));
        assertEquals(SelectivelyContrastiveTripletLoss.builder().optLambda(0.5).build().config(),
                lossConfig("  name: selectively_contrastive_triplet\n  lambda: 0.5\n"));
        assertEquals(DynamicArcFaceLoss.builder().setClassCounts(500, 20, 3).setEmbeddingSize(384).optPower(0.5)
                .build().config(), lossConfig("  name: dynamic_arcface\n"
                        + "  class_counts: [500, 20, 3]\n  power: 0.5\n"));
        assertEquals(TripletMarginLoss.builder(Pml.V3).optTuplesPerAnchor(16).build().config(),
                lossConfig("  name: triplet_margin\n  margin: 0.2\n  tuples_per_anchor: 16\n"));
    }
}
