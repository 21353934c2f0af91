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

/** α-query expansion on hand-made 2-d cases whose rankings are worked out by angle. */
class QueryExpansionTest {

    private static double[] at(double degrees) {
        double r = Math.toRadians(degrees);
        return new double[] {Math.cos(r), Math.sin(r)};
    }

    @Test
    void expandingWithTheNearestItemPullsTheQueryTowardsItsGroup() {
        // query at 0°; a1 at 10° and a2 at 35° (its group), b at −30°: plain order a1, b, a2
        double[][] gallery = {at(10), at(35), at(-30)};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(gallery);
            NDArray q = m.create(new double[][] {at(0)});
            KnnResult plain = new ExactKnn(Distance.cosine()).search(q, g, 3, null);
            assertArrayEquals(new long[] {0, 2, 1}, plain.indices()[0]);
            // α = 0, one neighbour: q' = q + a1 points at 5°, so a2 (30° away) comes before b (35° away)
            QueryExpansion average = new QueryExpansion(1, 0);
            NDArray expanded = average.expand(q, g, null, Distance.cosine());
            assertArrayEquals(new double[] {1 + Math.cos(Math.toRadians(10)), Math.sin(Math.toRadians(10))},
                    expanded.toDoubleArray(), 1e-12);
            KnnResult reranked = average.search(q, g, 3, null, Distance.cosine());
            assertArrayEquals(new long[] {0, 1, 2}, reranked.indices()[0]);
            assertEquals(1 - Math.cos(Math.toRadians(30)), reranked.distances()[0][1], 1e-12);
            // α weighs by cos^α: two neighbours at α = 3 give a1 weight cos(10°)³ and b weight cos(30°)³
            NDArray weighted = new QueryExpansion(2, 3).expand(q, g, null, Distance.cosine());
            double w1 = Math.pow(Math.cos(Math.toRadians(10)), 3);
            double w2 = Math.pow(Math.cos(Math.toRadians(30)), 3);
            assertArrayEquals(new double[] {1 + w1 * at(10)[0] + w2 * at(-30)[0], w1 * at(10)[1] + w2 * at(-30)[1]},
                    weighted.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void leaveOneOutExcludesTheQueryAndTheEvaluatorMetricUsesTheExpansion() {
        // groups: {0°, 10°, 30°} and {−24°, −60°}; the 0° item's plain neighbours: 10°, −24°, 30°
        double[][] x = {at(0), at(10), at(30), at(-24), at(-60)};
        long[] groups = {1, 1, 1, 2, 2};
        try (NDManager m = NDManager.newBaseManager()) {
            EmbeddedSample sample = EmbeddedSample.ofGroups(m.create(x), groups, null);
            double plain = sample.retrieval(Distance.cosine()).precisionAt1();
            SampleMetric expandedMap = SampleMetric.retrieval(Distance.cosine(), new QueryExpansion(1, 0),
                    RetrievalMetrics::meanAveragePrecisionAtR);
            SampleMetric plainMap = SampleMetric.retrieval(Distance.cosine(), RetrievalMetrics::meanAveragePrecisionAtR);
            assertEquals(0.8, plain, 1e-12); // the −24° item's nearest is the 0° one, of the other group
            // the 0° query: plain R-list (R = 2) is 10°, −24° → AP 0.5; expanded towards 5°: 10°, 30° → AP 1;
            // every other query keeps its AP (worked out by angle), so MAP@R rises by 0.5 / 5
            double gain = expandedMap.compute(sample) - plainMap.compute(sample);
            assertEquals(0.5 / 5, gain, 1e-12);
            // the same through the query/gallery protocol (every row both): the re-ranking is applied there too
            boolean[] all = {true, true, true, true, true};
            ExactKnn knn = new ExactKnn(Distance.cosine());
            double viaProtocol = RetrievalProtocol.queryGallery(knn, new QueryExpansion(1, 0), m.create(x), groups, all,
                    all, 0).meanAveragePrecisionAtR() - RetrievalProtocol.queryGallery(knn, m.create(x), groups, all, all,
                    0).meanAveragePrecisionAtR();
            assertEquals(0.5 / 5, viaProtocol, 1e-12);
        }
    }

    @Test
    void badSettingsAndNonCosineDistancesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QueryExpansion(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new QueryExpansion(1, -1));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(new double[][] {at(0), at(10)});
            assertThrows(IllegalArgumentException.class,
                    () -> new QueryExpansion(1, 0).expand(g, g, null, Distance.euclidean()));
        }
    }
}
