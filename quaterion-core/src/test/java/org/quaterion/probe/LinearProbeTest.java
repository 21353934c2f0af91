package org.quaterion.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.classify.LinearClassifier;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.train.TrainerConfig;

/**
 * The linear probe on a frozen identity model over 2-d points: three classes (labels 10, 20, 30) in bands that only
 * a boundary off the origin separates (so the bias is learned), perfect held-out accuracy, probabilities, and a
 * saved classifier that predicts the same after loading.
 */
class LinearProbeTest {

    @TempDir
    Path tmp;

    /** Class 10: x in [1, 1.5]; class 20: x in [3, 3.5]; class 30: x in [5, 5.5]; y in [1, 2] for all. */
    private static List<SimilarityGroupSample<float[]>> points(int perClass, long seed) {
        Random r = new Random(seed);
        List<SimilarityGroupSample<float[]>> out = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < 3; c++) {
                out.add(new SimilarityGroupSample<>(new float[] {1 + 2 * c + 0.5f * r.nextFloat(), 1 + r.nextFloat()},
                        10L * (c + 1)));
            }
        }
        return out;
    }

    @Test
    void learnsSeparableClassesWithTheirBiasAndSavesTheClassifier() throws Exception {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 2, x -> x)).setHead(new EmptyHead(2)).build()) {
            List<SimilarityGroupSample<float[]>> test = points(20, 2);
            LinearProbe.Result r = LinearProbe.fit(model, points(30, 1), test, TrainerConfig.defaults()
                    .withMaxEpochs(150).withProgressBar(false).withEarlyStopping(null), 30, 0.1);
            LinearClassifier classifier = r.classifier();
            assertArrayEquals(new long[] {10, 20, 30}, classifier.classes());
            LinearClassifier.Prediction[] p = classifier.classify(model, test.stream()
                    .map(SimilarityGroupSample::obj).toList(), 16);
            int right = 0;
            for (int i = 0; i < p.length; i++) {
                right += p[i].label() == test.get(i).group() ? 1 : 0;
                float sum = 0;
                for (float v : p[i].probabilities()) {
                    sum += v;
                }
                assertEquals(1f, sum, 1e-5f);
            }
            assertEquals(p.length, right, "held-out accuracy 1 (the middle band needs the bias)");
            assertEquals(150, r.fit().epochs().size());
            Path dir = tmp.resolve("classifier");
            classifier.save(dir);
            LinearClassifier loaded = LinearClassifier.load(dir);
            try (NDManager m = NDManager.newBaseManager()) {
                float[][] grid = {{0, 0}, {2.5f, 1}, {4.5f, 1.5f}, {7, 2}};
                LinearClassifier.Prediction[] a = classifier.classify(m.create(grid));
                LinearClassifier.Prediction[] b = loaded.classify(m.create(grid));
                for (int i = 0; i < grid.length; i++) {
                    assertEquals(a[i].label(), b[i].label());
                    assertArrayEquals(a[i].probabilities(), b[i].probabilities(), 0f);
                }
                assertThrows(IllegalArgumentException.class, () -> loaded.classify(m.create(new float[][] {{1, 2,
                    3}})));
            }
            Files.writeString(tmp.resolve("not-ours.txt"), "x");
            assertThrows(IllegalArgumentException.class, () -> classifier.save(tmp), "never replaces a foreign dir");
        }
    }

    @Test
    void classesMustBeKnownAndMany() {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 2, x -> x)).setHead(new EmptyHead(2)).build()) {
            List<SimilarityGroupSample<float[]>> one = List.of(new SimilarityGroupSample<>(new float[] {1, 1}, 3));
            assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(model, one, null,
                    TrainerConfig.defaults().withMaxEpochs(1), 4, 0.1));
            IllegalArgumentException unseen = assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(model,
                    points(2, 1), List.of(new SimilarityGroupSample<>(new float[] {1, 1}, 99)),
                    TrainerConfig.defaults().withMaxEpochs(1), 4, 0.1));
            assertTrue(unseen.getMessage().contains("does not occur in training"), unseen.getMessage());
        }
    }
}
