package org.quaterion.eval;

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
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

class ExactKnnTest {

    private static final double[][] E = {{1, 1}, {8, 8}, {4, 4}, {6, 7}};
    private static final long[] SELF = {0, 1, 2, 3};

    private static KnnResult manhattan(NDManager m, int k) {
        NDArray e = m.create(E);
        return new ExactKnn(Distance.manhattan(), 3, 2).search(e, e, k, SELF);
    }

    @Test
    void quaterionPairMetricCases() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnResult knn = manhattan(m, 3);
            PairRetrievalMetrics metrics = PairRetrievalMetrics.of(4, new long[][] {{0, 2}, {1, 3}},
                    new double[] {1, 1}, knn);
            assertEquals(0.75, metrics.precisionAt(1), 1e-12, "P@1 = mean of [1, 1, 0, 1]");
            assertEquals(0.5, metrics.precisionAt(2), 1e-12, "P@2 = mean of [.5, .5, .5, .5]");
            assertEquals(0.875, metrics.reciprocalRank(), 1e-12, "RRK = mean of [1, 1, 0.5, 1]");
        }
    }

    @Test
    void quaterionGroupMetricCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] groups = {1, 2, 1, 2};
            RetrievalMetrics metrics = RetrievalMetrics.of(manhattan(m, 3), groups, groups, SELF);
            assertEquals(0.75, metrics.quaterionRPrecision(), 1e-12);
            assertEquals(0.75, metrics.precisionAt1(), 1e-12);
            assertEquals((1 + 1 + 0.5 + 1) / 4, metrics.meanReciprocalRank(), 1e-12);
            assertEquals(0.75, metrics.cmcAt(1), 1e-12);
            assertEquals(1.0, metrics.cmcAt(2), 1e-12);
        }
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
    void queriesWithoutRelevantItems() {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] groups = {1, 2, 3, 3};
            RetrievalMetrics metrics = RetrievalMetrics.of(manhattan(m, 3), groups, groups, SELF);
            assertEquals(0.5, metrics.precisionAt1(), 1e-12, "PML leaves lone queries out: rows 2 (hit) and 3 (miss) count");
            assertEquals(0.25, metrics.cmcAt(1), 1e-12, "OML averages over all queries");
            RetrievalMetrics lone = RetrievalMetrics.of(manhattan(m, 3), new long[] {1, 2, 3, 4},
                    new long[] {1, 2, 3, 4}, SELF);
            assertTrue(Double.isNaN(lone.precisionAt1()), "no query has a relevant item");
            // the whole family agrees: nothing to measure is NaN, never a perfect 1.0 (precision@k did that)
            for (double v : new double[] {lone.precisionAt(1), lone.precisionAt(3), lone.cmcAt(1), lone.mapAt(2),
                    lone.rPrecision(), lone.meanAveragePrecisionAtR(), lone.quaterionRPrecision()}) {
                assertTrue(Double.isNaN(v), "every metric is NaN without relevant items, got " + v);
            }
            assertEquals(0.25, metrics.precisionAt(1), 1e-12, "a lone query scores 0 in OML's all-query mean");
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
            RetrievalMetrics metrics = RetrievalMetrics.of(knn, new long[] {7}, new long[] {7, 7, 7, 9}, null);
            assertEquals(1.0, metrics.rPrecision(), 1e-12, "all three relevant items are within R = 3");
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
            KnnResult r = knn.search(q, m.ones(new Shape(5, 3)), 2, null);
            assertMessage("queryLabels has 3 entries for 2 queries", () -> RetrievalMetrics.of(r, new long[3],
                    new long[5], null));
            assertMessage("search with k >= the largest class size", () -> RetrievalMetrics.of(r, new long[2],
                    new long[5], null).rPrecision());
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
