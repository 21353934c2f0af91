package org.quaterion.train;

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

    /**
     * A real fit's report (1 epoch, then 12 epochs with a loss falling over two decades) is well-formed XHTML, and
     * every chart has both axes and at least one drawn point (a one-epoch run used to show an empty box); the 12-epoch
     * losses get a log scale, the best epoch is marked and the epoch table folds the middle rows.
     */
    @Test
    void everyChartOfAFitHasAxesAndPoints() throws Exception {
        for (int epochs : new int[] {1, 12}) {
            Path out = tmp.resolve("fit-" + epochs);
            try (TrainingTest.Model model = new TrainingTest.Model(new org.quaterion.loss.TripletLoss(), null)) {
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false)
                        .withOutputDir(out).withCheckpoints(0, 1).withEarlyStopping(new EarlyStopping(
                                "validation_loss", true, 100, 0)), new org.quaterion.dataset.GroupSimilarityDataLoader<>(
                                        TrainingTest.groups(20, 2), org.quaterion.dataset.LoaderOptions.batchSize(10)
                                                .withShuffle(3)), new org.quaterion.dataset.GroupSimilarityDataLoader<>(
                                        TrainingTest.groups(10, 3), org.quaterion.dataset.LoaderOptions.batchSize(40)));
            }
            org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(out.resolve("report.html").toFile());
            org.w3c.dom.NodeList svgs = doc.getElementsByTagName("svg");
            int charts = 0;
            for (int i = 0; i < svgs.getLength(); i++) {
                org.w3c.dom.Element svg = (org.w3c.dom.Element) svgs.item(i);
                if (!svg.getAttribute("class").equals("chart")) {
                    continue;
                }
                charts++;
                List<String> groupsIn = new java.util.ArrayList<>();
                org.w3c.dom.NodeList gs = svg.getElementsByTagName("g");
                for (int j = 0; j < gs.getLength(); j++) {
                    groupsIn.add(((org.w3c.dom.Element) gs.item(j)).getAttribute("class"));
                }
                assertTrue(groupsIn.contains("axis x") && groupsIn.contains("axis y"), "axes: " + groupsIn);
                assertTrue(svg.getElementsByTagName("circle").getLength() >= 1, "a drawn point");
            }
            assertTrue(charts >= 1, "charts in the report");
            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains("epochs run") && html.contains("stopped by max epochs"), "the header");
            if (epochs == 12) {
                assertTrue(html.contains("<details><summary>all 12 epochs"), "folded epoch rows");
                assertTrue(html.contains("class=\"best\""), "the best epoch is marked");
            }
        }
    }
}
