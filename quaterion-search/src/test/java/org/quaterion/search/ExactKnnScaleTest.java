package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

/**
 * 200,000 × 64 leave-one-out P@1 with bounded memory: a dense distance matrix would need 160 GB (float32); the
 * streaming search must stay within its stated block budget plus the gallery copy. Peak memory is the process's
 * peak resident set (Linux {@code VmHWM}, reset before the search through {@code /proc/self/clear_refs}); elsewhere
 * only the result is checked. Runs in its own surefire execution (1 libtorch thread, as every test) with a fixed, pre-touched
 * 512 MiB heap, so the growth is native memory.
 */
class ExactKnnScaleTest {

    private static final int N = 200_000;
    private static final int D = 64;
    private static final int CLASSES = 1000;

    @Test
    void leaveOneOutPrecisionAt1On200kRowsStaysWithinItsMemoryBudget() throws IOException {
        Random random = new Random(5);
        float[][] centres = new float[CLASSES][D];
        for (float[] c : centres) {
            for (int j = 0; j < D; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[] data = new float[N * D];
        long[] labels = new long[N];
        long[] self = new long[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % CLASSES;
            self[i] = i;
            for (int j = 0; j < D; j++) {
                data[i * D + j] = centres[i % CLASSES][j] + 1.4f * (float) random.nextGaussian();
            }
        }
        ExactKnn knn = new ExactKnn(Distance.euclidean());
        long galleryBytes = 4L * N * (D + 1);
        // four score blocks, the input and its ranking copy, and 256 MiB for the allocator's per-thread arenas
        // and the runtime
        long budget = knn.blockBytes(4) + 2 * galleryBytes + (256L << 20);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(data, new Shape(N, D));
            boolean measured = resetPeak();
            long before = status("VmRSS:");
            KnnResult result = knn.search(x, x, 1, self);
            long peak = status("VmHWM:");
            double p1 = precisionAt1(result, labels);
            System.out.printf("200000 x 64 leave-one-out P@1 = %.4f; peak RSS growth %d MiB (budget %d MiB, "
                    + "measured: %s)%n", p1, (peak - before) >> 20, budget >> 20, measured);
            if (measured) {
                assertTrue(peak - before <= budget, "peak resident memory grew by " + ((peak - before) >> 20)
                        + " MiB, over the " + (budget >> 20) + " MiB budget");
            }
            assertTrue(p1 > 0.5 && p1 < 1, "clustered data: most but not all nearest neighbours share the label, "
                    + "got " + p1);
            // spot-check 20 queries against brute force
            for (int t = 0; t < 20; t++) {
                int q = random.nextInt(N);
                int best = -1;
                double bestD = Double.MAX_VALUE;
                for (int g = 0; g < N; g++) {
                    if (g == q) {
                        continue;
                    }
                    double s = 0;
                    for (int j = 0; j < D; j++) {
                        double diff = data[q * D + j] - data[g * D + j];
                        s += diff * diff;
                    }
                    if (s < bestD) {
                        bestD = s;
                        best = g;
                    }
                }
                assertEquals(Math.sqrt(bestD), result.distances()[q][0], 1e-3 * (1 + Math.sqrt(bestD)),
                        "query " + q + " (brute force: row " + best + ")");
            }
        }
    }

    /** Resets the peak resident set size (Linux); false where that is not possible. */
    private static boolean resetPeak() {
        Path clear = Path.of("/proc/self/clear_refs");
        try {
            Files.writeString(clear, "5");
            return status("VmHWM:") > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A {@code /proc/self/status} field in bytes, or 0. */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The share of queries whose nearest neighbour has their label (every label here has many items). */
    private static double precisionAt1(KnnResult result, long[] labels) {
        long hits = 0;
        for (int q = 0; q < labels.length; q++) {
            long nearest = result.indices()[q][0];
            hits += nearest >= 0 && labels[(int) nearest] == labels[q] ? 1 : 0;
        }
        return (double) hits / labels.length;
    }
}
