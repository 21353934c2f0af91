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

    @Test
    void degenerateEmbeddingsStillGiveAReport() throws Exception {
        float[][] e = new float[6][384];
        for (int i = 0; i < e.length; i++) {
            e[i][0] = i % 2;   // rank-1 data in 384 dimensions
        }
        Path file = tmp.resolve("report.html");
        TrainingReport.write(file, List.of(Map.of("epoch", 0.0, "train_loss", 1.0), Map.of("epoch", 1.0,
                "train_loss", 0.5)), e, new long[] {0, 1, 0, 1, 0, 1}, "t <&> t");
        String html = Files.readString(file);
        assertTrue(html.contains("Embeddings (PCA, 6 samples)") && html.contains("t &lt;&amp;&gt; t"));
        assertEquals(6, html.split("<circle").length - 1);
    }
}
