package org.quaterion.examples.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.rerank.pairwise.PairwiseReranker;
import org.quaterion.search.KnnResult;

/** docs/metrics.md's pairwise re-ranker snippet runs: it trains, re-ranks, saves and loads. */
class MetricsPairwiseRerankerTest {

    @Test
    void theSnippetReRanksTheTop20AndSavesAReRankerThatLoads(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(5);
            int n = 300;
            int dim = 16;
            float[][] centres = new float[6][dim];
            for (float[] c : centres) {
                for (int j = 0; j < dim; j++) {
                    c[j] = (float) random.nextGaussian();
                }
            }
            long[] labels = new long[n];
            float[] data = new float[n * dim];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 6;
                for (int j = 0; j < dim; j++) {
                    data[i * dim + j] = centres[i % 6][j] + (float) random.nextGaussian();
                }
            }
            NDArray x = manager.create(data, new Shape(n, dim));
            Path saved = dir.resolve("pairwise-reranker");
            KnnResult[] r = MetricsPairwiseReranker.rerank(x, labels, x.get("0:50"), x.get("50:"),
                    Arrays.copyOf(data, dim), List.of(Arrays.copyOfRange(data, dim, 2 * dim)), saved);
            assertEquals(100, r[1].k());
            for (int q = 0; q < 50; q++) {
                long[] a = Arrays.copyOf(r[0].indices()[q], 20);
                long[] b = Arrays.copyOf(r[1].indices()[q], 20);
                Arrays.sort(a);
                Arrays.sort(b);
                assertArrayEquals(a, b, "query " + q + ": its top 20 re-ordered");
                assertArrayEquals(Arrays.copyOfRange(r[0].indices()[q], 20, 100),
                        Arrays.copyOfRange(r[1].indices()[q], 20, 100), "the rest kept");
            }
            assertTrue(Files.isRegularFile(saved.resolve("pairwise.json")), "saved where shown");
            try (PairwiseReranker loaded = PairwiseReranker.load(saved)) {
                assertEquals(dim, loaded.config().dim());
            }
        }
    }
}
