package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

/** Exact blocked k-nearest-neighbour search against brute force: every distance, depth, block size and tie. */
class ExactKnnTest {

    private static final double[][] E = {{1, 1}, {8, 8}, {4, 4}, {6, 7}};
    private static final long[] SELF = {0, 1, 2, 3};

    private static KnnResult manhattan(NDManager m, int k) {
        NDArray e = m.create(E);
        return new ExactKnn(Distance.manhattan(), 3, 2).search(e, e, k, SELF);
    }

    @Test
    void neighboursAreExactAndSelfIsExcludedByIndex() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnResult knn = manhattan(m, 3);
            assertArrayEquals(new long[] {2, 3, 1}, knn.indices()[0]);
            assertArrayEquals(new double[] {6, 11, 14}, knn.distances()[0], 1e-12);
            assertArrayEquals(new long[] {3, 0, 1}, knn.indices()[2]);
            double[][] dup = {{0, 0}, {0, 0}, {5, 5}};
            NDArray d = m.create(dup);
            KnnResult withDuplicates = new ExactKnn(Distance.euclidean()).search(d, d, 1, new long[] {0, 1, 2});
            assertEquals(1, withDuplicates.indices()[0][0], "a duplicate is found, only the query itself is excluded");
            assertEquals(0, withDuplicates.indices()[1][0]);
            assertEquals(0.0, withDuplicates.distances()[0][0], 0.0);
        }
    }

    /** Brute-force distances in Java doubles. */
    private static double bruteDistance(Distance distance, double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        double l1 = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
            sq += (a[j] - b[j]) * (a[j] - b[j]);
            l1 += Math.abs(a[j] - b[j]);
        }
        switch (distance.kind()) {
            case COSINE:
                return 1 - dot / Math.sqrt(na * nb);
            case DOT_PRODUCT:
                return -dot;
            case EUCLIDEAN:
                return Math.sqrt(sq);
            case SQUARED_EUCLIDEAN:
                return sq;
            default:
                return l1;
        }
    }

    @Test
    void everyDistanceAndDepthMatchesBruteForceOnWideBlocks() {
        java.util.Random random = new java.util.Random(7);
        int n = 1500;
        int d = 8;
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian();
            }
        }
        long[] self = new long[n];
        java.util.Arrays.setAll(self, i -> i);
        int checked = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(x);
            for (Distance distance : new Distance[] {Distance.cosine(), Distance.dotProduct(), Distance.euclidean(),
                Distance.squaredEuclidean(), Distance.manhattan(), Distance.euclidean().scaled(2)}) {
                // k = 10 and 37 take the chunked top-k (width 1500 ≥ 8·k·4); gallery blocks of 700 force merges
                for (int k : new int[] {1, 10, 37}) {
                    for (int galleryBlock : new int[] {700, 4096}) {
                        KnnResult knn = new ExactKnn(distance, 256, galleryBlock).search(e, e, k, self);
                        for (int q = 0; q < n; q += 97) {
                            double[] all = new double[n - 1];
                            for (int g = 0, c = 0; g < n; g++) {
                                if (g != q) {
                                    all[c++] = bruteDistance(distance, x[q], x[g]) * distance.scale();
                                }
                            }
                            java.util.Arrays.sort(all);
                            for (int r = 0; r < k; r++) {
                                long idx = knn.indices()[q][r];
                                assertTrue(idx != q, "the query itself is excluded");
                                assertEquals(all[r], knn.distances()[q][r], 1e-9 * (1 + Math.abs(all[r])),
                                        distance + " k=" + k + " rank " + r);
                                assertEquals(all[r], bruteDistance(distance, x[q], x[(int) idx]) * distance.scale(),
                                        1e-9 * (1 + Math.abs(all[r])), "index of rank " + r);
                            }
                            checked++;
                        }
                    }
                }
            }
        }
        assertEquals(6 * 3 * 2 * 16, checked);
    }

    @Test
    void kLargerThanTheGalleryIsPadded() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnResult knn = manhattan(m, 10);
            assertEquals(4, knn.k(), "k is capped at the gallery size");
            assertEquals(-1, knn.indices()[0][3], "the excluded self leaves a padded slot");
            assertEquals(Double.POSITIVE_INFINITY, knn.distances()[0][3]);
        }
    }

    @Test
    void ties() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(new double[][] {{0, 0}});
            NDArray g = m.create(new double[][] {{1, 0}, {0, 1}, {-1, 0}, {3, 3}});
            KnnResult knn = new ExactKnn(Distance.euclidean(), 1, 2).search(q, g, 3, null);
            assertArrayEquals(new double[] {1, 1, 1}, knn.distances()[0], 1e-12, "three items tie at distance 1");
            java.util.Set<Long> found = new java.util.HashSet<>();
            for (long i : knn.indices()[0]) {
                found.add(i);
            }
            assertEquals(java.util.Set.of(0L, 1L, 2L), found, "the tied items, never the farther one");
        }
    }

    @Test
    void badInputIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.ones(new Shape(2, 3));
            ExactKnn knn = new ExactKnn(Distance.cosine());
            assertMessage("the gallery is empty", () -> knn.search(q, m.zeros(new Shape(0, 3)), 1, null));
            assertMessage("dimensions differ: 3 vs 4", () -> knn.search(q, m.ones(new Shape(5, 4)), 1, null));
            assertMessage("k must be >= 1", () -> knn.search(q, m.ones(new Shape(5, 3)), 0, null));
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
