package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;

/** The trainable MiniLM reproduces the fp32 ONNX model, has gradients, and reloads from a servable. */
class TrainableMiniLmTest {

    private static final List<String> TEXTS = List.of("a domesticated carnivorous mammal", "dog",
            "the act of taking something from a person by force and without consent");

    @TempDir
    Path tmp;

    @Test
    void matchesTheOnnxModelAndReloads() throws Exception {
        float[][] reference;
        try (SimilarityModel<String> onnx = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(new EmptyHead(MiniLm.DIM)).build()) {
            reference = onnx.encode(TEXTS, 3);
        }
        float[][] ours;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text",
                TrainableMiniLm.pretrained(128)).setHead(new EmptyHead(MiniLm.DIM)).build()) {
            ours = model.encode(TEXTS, 3);
            assertEquals(4 + 6 * 16, model.trainableParameters().size(), "every weight but the token table trains");
            model.save(tmp.resolve("servable"));
        }
        double worst = 0;
        for (int i = 0; i < TEXTS.size(); i++) {
            for (int j = 0; j < MiniLm.DIM; j++) {
                worst = Math.max(worst, Math.abs(reference[i][j] - ours[i][j]));
            }
        }
        System.out.println("trainable MiniLM vs ONNX fp32: max |diff| " + worst + " over " + TEXTS.size() * MiniLm.DIM
                + " values");
        assertTrue(worst < 1e-4, "max |diff| " + worst);
        try (SimilarityModel<String> reloaded = SimilarityModel.load(tmp.resolve("servable"), String.class)) {
            float[][] again = reloaded.encode(TEXTS, 3);
            for (int i = 0; i < TEXTS.size(); i++) {
                for (int j = 0; j < MiniLm.DIM; j++) {
                    assertEquals(ours[i][j], again[i][j], 1e-6);
                }
            }
        }
    }
}
