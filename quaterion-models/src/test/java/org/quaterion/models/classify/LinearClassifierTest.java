package org.quaterion.models.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.ModelFormatException;

/** Class labels are whole numbers, and probabilities stay finite for weights near the float range. */
class LinearClassifierTest {

    private static void write(Path dir, String classes, String weights) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("classifier.json"), "{\"format\": \"quaterion-linear-classifier\", \"type\": "
                + "\"linear_softmax\", \"embedding_size\": 2, \"classes\": " + classes + ", \"weights\": " + weights
                + ", \"bias\": [0, 0]}");
    }

    @Test
    void aFractionalClassLabelIsRefusedWithAMessage(@TempDir Path tmp) throws Exception {
        write(tmp.resolve("half"), "[0.5, 1]", "[[1, 0], [0, 1]]");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> LinearClassifier.load(tmp.resolve("half")));
        assertTrue(e.getMessage().contains("class label 0.5 at index 0, which is not a whole number"),
                e.getMessage());
        write(tmp.resolve("text"), "[\"cat\", 1]", "[[1, 0], [0, 1]]");
        ModelFormatException text = assertThrows(ModelFormatException.class,
                () -> LinearClassifier.load(tmp.resolve("text")));
        assertTrue(text.getMessage().contains("class label \"cat\" at index 0, which is not a number"),
                text.getMessage());
        write(tmp.resolve("whole"), "[7, 1.0]", "[[1, 0], [0, 1]]");
        assertArrayEquals(new long[] {7, 1}, LinearClassifier.load(tmp.resolve("whole")).classes());
    }

    @Test
    void weightsNearTheFloatRangeGiveFiniteProbabilities(@TempDir Path tmp) throws Exception {
        write(tmp.resolve("big"), "[0, 1]", "[[3e38, 3e38], [-3e38, 3e38]]");
        LinearClassifier classifier = LinearClassifier.load(tmp.resolve("big"));
        try (NDManager m = NDManager.newBaseManager()) {
            // logits (6e38, 0) and (0, 6e38): past float32's range in either row
            LinearClassifier.Prediction[] p = classifier.classify(m.create(new float[][] {{1, 1}, {-1, 1}}));
            assertArrayEquals(new float[] {1, 0}, p[0].probabilities());
            assertEquals(0, p[0].label());
            assertArrayEquals(new float[] {0, 1}, p[1].probabilities());
            assertEquals(1, p[1].label());
            // ordinary weights: the usual softmax
            LinearClassifier small = new LinearClassifier(new long[] {0, 1}, new float[][] {{1, 0}, {0, 1}},
                    new float[] {0, 0});
            float[] q = small.classify(m.create(new float[][] {{1, 0}}))[0].probabilities();
            assertEquals(Math.exp(1) / (Math.exp(1) + 1), q[0], 1e-6);
            assertEquals(1, q[0] + q[1], 1e-6);
            IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                    () -> small.classify(m.create(new float[][] {{Float.NaN, 0}})));
            assertTrue(nan.getMessage().contains("logits are not finite"), nan.getMessage());
        }
        write(tmp.resolve("infinite"), "[0, 1]", "[[1e39, 0], [0, 1]]");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> LinearClassifier.load(tmp.resolve("infinite")));
        assertTrue(e.getMessage().contains("weight [0][0] is Infinity"), e.getMessage());
    }
}
