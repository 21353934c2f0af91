package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * A hand-made case worked out by angle: x (0°) has y (2.5°) as its nearest item, but y's two nearest are b1 (3.5°)
 * and b2 (4.8°), so y is not a 2-reciprocal neighbour of x; a1 (−3°) is (its two nearest are x and a2 at −6.5°).
 */
class KReciprocalRerankingTest {

    private static double[] at(double degrees) {
        double r = Math.toRadians(degrees);
        return new double[] {Math.cos(r), Math.sin(r)};
    }

    private static final double[][] POINTS = {at(0), at(-3), at(-6.5), at(2.5), at(3.5), at(4.8)};
    private static final long[] ALL = {0, 1, 2, 3, 4, 5};

    @Test
    void aNonReciprocalNearestNeighbourDropsBehindAReciprocalOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(POINTS);
            KnnResult plain = new ExactKnn(Distance.cosine()).search(x, x, 3, ALL);
            assertEquals(3, plain.indices()[0][0], "plain: y is x's nearest");
            KnnResult jaccardOnly = new KReciprocalReranking(2, 1, 0).search(x, x, 3, ALL, Distance.cosine());
            assertEquals(1, jaccardOnly.indices()[0][0], "re-ranked: a1 first");
            assertEquals(1.0, jaccardOnly.distances()[0][1], 1e-12, "y shares no reciprocal neighbour with x");
            KnnResult mixed = new KReciprocalReranking(2, 1, 0.3).search(x, x, 3, ALL, Distance.cosine());
            assertEquals(1, mixed.indices()[0][0]);
            assertEquals(0.7 + 0.3 * (1 - Math.cos(Math.toRadians(2.5))), mixed.distances()[0][1], 1e-9,
                    "(1 − λ)·1 + λ·d(x, y)");
            // λ = 1 is the original distance: the plain order
            KnnResult original = new KReciprocalReranking(2, 1, 1).search(x, x, 3, ALL, Distance.cosine());
            for (int q = 0; q < ALL.length; q++) {
                assertArrayEquals(plain.indices()[q], original.indices()[q], "query " + q);
            }
        }
    }

    @Test
    void inTheEvaluatorItRaisesPrecisionAt1OfTheHandMadeSet() {
        long[] groups = {1, 1, 1, 2, 2, 2};
        try (NDManager m = NDManager.newBaseManager()) {
            EmbeddedSample sample = EmbeddedSample.ofGroups(m.create(POINTS), groups, null);
            double plain = sample.retrieval(Distance.cosine()).precisionAt1();
            double reranked = SampleMetric.retrieval(Distance.cosine(), new KReciprocalReranking(2, 1, 0.3),
                    RetrievalMetrics::precisionAt1).compute(sample);
            assertEquals(5.0 / 6, plain, 1e-12, "only x retrieves the other group first");
            assertEquals(1.0, reranked, 1e-12);
        }
    }

    @Test
    void itNeedsLeaveOneOutAndValidSettings() {
        assertThrows(IllegalArgumentException.class, () -> new KReciprocalReranking(1, 1, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new KReciprocalReranking(20, 21, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new KReciprocalReranking(20, 6, 1.5));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(POINTS);
            assertThrows(IllegalArgumentException.class,
                    () -> KReciprocalReranking.defaults().search(x, x, 3, null, Distance.cosine()));
        }
    }
}
