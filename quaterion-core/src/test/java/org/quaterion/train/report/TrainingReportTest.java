package org.quaterion.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's PCA and output on degenerate input (few samples in many dimensions, as a CI run hit). */
class TrainingReportTest {

    @TempDir
    Path tmp;

    @Test
    void principalComponentsOfAKnownSpectrum() {
        double[][] m = {{1, 0, 0}, {0, 5, 0}, {0, 0, 3}};
        double[][] axes = TrainingReport.topComponents(m, 2);
        assertEquals(1.0, Math.abs(axes[0][1]), 1e-9, "largest variance along y");
        assertEquals(1.0, Math.abs(axes[1][2]), 1e-9, "then z");
    }

    private static TrainingReport.Page page(List<Map<String, Double>> epochs, float[][] e, long[] groups,
            org.quaterion.classify.ClassificationReport knn, String title) {
        String[] titles = new String[e.length];
        for (int i = 0; i < titles.length; i++) {
            titles[i] = "sample " + i + " <&>";
        }
        return new TrainingReport.Page(title, List.<String[]>of(new String[] {"loss", "{\"type\": \"x\"}"}), epochs, 0,
                "train_loss", e, groups, titles, false, knn, "metrics.csv");
    }

    @Test
    void degenerateEmbeddingsStillGiveAReport() throws Exception {
        float[][] e = new float[6][384];
        for (int i = 0; i < e.length; i++) {
            e[i][0] = i % 2;   // rank-1 data in 384 dimensions
        }
        Path file = tmp.resolve("report.html");
        TrainingReport.write(file, page(List.of(Map.of("epoch", 0.0, "train_loss", 1.0), Map.of("epoch", 1.0,
                "train_loss", 0.5)), e, new long[] {0, 1, 0, 1, 0, 1}, null, "t <&> t"));
        String html = Files.readString(file);
        assertTrue(html.contains("Embeddings (6 samples)") && html.contains("t &lt;&amp;&gt; t"));
        assertEquals(6 + 2, html.split("<circle").length - 1, "6 map points + 2 curve points");
    }

    /** Three well-separated blobs in 10-d: in the t-SNE map every point's nearest neighbour is of its own blob. */
    @Test
    void tsneKeepsClustersApartAndIsDeterministic() {
        java.util.Random r = new java.util.Random(4);
        int n = 60;
        float[][] x = new float[n][10];
        double[][] start = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 10; j++) {
                x[i][j] = (float) ((j == i % 3 ? 8 : 0) + r.nextGaussian());
            }
            start[i][0] = r.nextGaussian();
            start[i][1] = r.nextGaussian();
        }
        double[][] y = Tsne.embed(x, start, 10, 300);
        for (int i = 0; i < n; i++) {
            int nearest = -1;
            double best = Double.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                double d = Math.hypot(y[i][0] - y[j][0], y[i][1] - y[j][1]);
                if (j != i && d < best) {
                    best = d;
                    nearest = j;
                }
            }
            assertEquals(i % 3, nearest % 3, "point " + i);
        }
        double[][] again = Tsne.embed(x, start, 10, 300);
        for (int i = 0; i < n; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(y[i], again[i], 0);
        }
        // affinities: each row's conditional distribution has the asked perplexity (checked through symmetry + sum)
        double[][] p = Tsne.affinities(x, 10);
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                total += i == j ? 0 : p[i][j];
                assertEquals(p[i][j], p[j][i], 1e-15);
            }
        }
        assertEquals(1.0, total, 1e-6);
    }

    @Test
    void theReportHasBothMapsAndTheConfusionMatrix() throws Exception {
        float[][] e = new float[12][4];
        long[] groups = new long[12];
        for (int i = 0; i < 12; i++) {
            e[i][i % 3] = 1;
            e[i][3] = i * 0.01f;
            groups[i] = i % 3;
        }
        org.quaterion.classify.ClassificationReport knn = org.quaterion.classify.ClassificationReport.of(groups,
                groups);
        Path file = tmp.resolve("maps.html");
        TrainingReport.write(file, page(List.of(Map.of("epoch", 0.0, "train_loss", 1.0)), e, groups, knn, "r"));
        String html = Files.readString(file);
        assertTrue(html.contains("PCA (first two") && html.contains("t-SNE (exact, perplexity 30, first 12 samples)"),
                html);
        assertEquals(24 + 1, html.split("<circle").length - 1, "12 points in each map + the one epoch's point");
        assertTrue(html.contains("kNN classification of these samples") && html.contains("accuracy 1.0000"), html);
        // text records: the first samples' neighbours, marked hit (same group) or miss
        String[] texts = new String[12];
        for (int i = 0; i < 12; i++) {
            texts[i] = "text " + i;
        }
        Path textFile = tmp.resolve("text.html");
        TrainingReport.write(textFile, new TrainingReport.Page("t", List.of(), List.of(Map.of("epoch", 0.0,
                "train_loss", 1.0)), -1, null, e, groups, texts, true, null, null));
        String text = Files.readString(textFile);
        assertTrue(text.contains("Nearest neighbours") && text.contains("<span class=\"hit\">1. text 3 (1.000)"), text);
    }
}
