package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.search.KnnResult;

/** Worked cases of FNMR@FMR, the thresholds, PCF, NDCG@k and per-category metrics, small enough to check by hand. */
class OmlMetricsHandTest {

    private static final double EPS = 1e-12;

    /** 1 / log2(x): the NDCG discount of rank x - 1. */
    private static double inv2(double x) {
        return Math.log(2) / Math.log(x);
    }

    @Test
    void fnmrAtFmrOfOmlsDocstring() {
        // negatives sorted: 3 3 4 4 6 6 7 7 8 8 (n = 10)
        // fmr 0.1: h = 9 * 0.1 = 0.9, between neg[0] = 3 and neg[1] = 3 -> T = 3; positives >= 3: 5 5 9 9 -> 4/10
        // fmr 0.5: h = 4.5, between neg[4] = 6 and neg[5] = 6 -> T = 6; positives >= 6: 9 9 -> 2/10
        VerificationMetrics v = VerificationMetrics.of(new double[] {0, 0, 1, 1, 2, 2, 5, 5, 9, 9},
                new double[] {3, 3, 4, 4, 6, 6, 7, 7, 8, 8});
        assertEquals(3, v.thresholdAtFmr(0.1), EPS);
        assertEquals(0.4, v.fnmrAtFmr(0.1), EPS);
        assertEquals(6, v.thresholdAtFmr(0.5), EPS);
        assertEquals(0.2, v.fnmrAtFmr(0.5), EPS);
        assertEquals(10, v.positives());
        assertEquals(10, v.negatives());
    }

    @Test
    void thresholdInterpolatesBetweenNegatives() {
        // negatives 1 2 4; fmr 0.25: h = 2 * 0.25 = 0.5 -> 1 + 0.5 * (2 - 1) = 1.5
        // positives 1 1.5 3: FNMR(1.5) = #(>= 1.5) / 3 = 2/3; FMR(1.5) = #(negatives < 1.5) / 3 = 1/3
        // fmr 1: the largest negative, 4; fmr 0: the smallest, 1 (every positive >= 1: FNMR 1)
        VerificationMetrics v = VerificationMetrics.of(new double[] {3, 1, 1.5}, new double[] {4, 1, 2});
        assertEquals(1.5, v.thresholdAtFmr(0.25), EPS);
        assertEquals(2.0 / 3, v.fnmrAtFmr(0.25), EPS);
        assertEquals(1.0 / 3, v.fmrAt(1.5), EPS);
        assertEquals(4, v.thresholdAtFmr(1), EPS);
        assertEquals(1, v.fnmrAtFmr(0), EPS);
        assertThrows(IllegalArgumentException.class, () -> v.thresholdAtFmr(1.5));
        assertThrows(IllegalArgumentException.class, () -> VerificationMetrics.of(new double[0], new double[] {1}));
    }

    @Test
    void bestAccuracyThreshold() {
        // distances 1 (pos), 2 (neg), 3 (pos), 4 (neg). Match when below T:
        // T < 1: 2/4 right; T = 1.5: pos 1 matched, both negatives rejected -> 3/4; T = 2.5: 2/4; T = 3.5: 3/4.
        // The first best from the small distances up is T = 1.5.
        PairScoreMetrics.Best best = VerificationMetrics.of(new double[] {1, 3}, new double[] {2, 4}).bestAccuracy();
        assertEquals(0.75, best.value(), EPS);
        assertEquals(1.5, best.threshold(), EPS);
        // perfectly separated: midway between the largest positive 2 and the smallest negative 3
        PairScoreMetrics.Best sep = VerificationMetrics.of(new double[] {1, 2}, new double[] {3, 4}).bestAccuracy();
        assertEquals(1, sep.value(), EPS);
        assertEquals(2.5, sep.threshold(), EPS);
    }

    @Test
    void pcfOfOmlsDocstringAndTheCap() {
        try (NDManager m = NDManager.newBaseManager()) {
            // eye(4, 10): centred Gram = I - J/4, eigenvalues 1 1 1 0 -> cumulative shares 1/3 2/3 1 1.
            // r = 0.5: one share <= 0.5 -> 2 components -> 2/10; r = 0.9: two -> 3/10
            double[][] eye = new double[4][10];
            for (int i = 0; i < 4; i++) {
                eye[i][i] = 1;
            }
            PrincipalComponents pc = PrincipalComponents.fit(m.create(eye));
            assertEquals(0.2, pc.pcf(0.5), EPS);
            assertEquals(0.3, pc.pcf(0.9), EPS);
            // (0,0) (2,0) (0,1) (2,1): centred XᵀX = diag(4, 1) -> shares 0.8, 1.
            // r = 0.5: 1 component -> 1/2; r = 0.9: 2 -> 1; r = 1: OML counts 3 components (3/2), capped at 1
            PrincipalComponents box = PrincipalComponents.fit(m.create(new double[][] {{0, 0}, {2, 0}, {0, 1},
                {2, 1}}));
            assertEquals(0.5, box.pcf(0.5), EPS);
            assertEquals(1, box.pcf(0.9), EPS);
            assertEquals(1, box.pcf(1), EPS);
            assertEquals(0.8, box.cumulativeShare()[0], EPS);
            // no variance: nothing to measure
            assertTrue(Double.isNaN(PrincipalComponents.fit(m.create(new double[][] {{1, 2}, {1, 2}})).pcf(0.5)));
            assertTrue(Double.isNaN(PrincipalComponents.fit(m.create(new double[][] {{1, 2}})).pcf(0.5)));
        }
    }

    @Test
    void ndcgWithKBeyondTheGallery() {
        // query 0 (label 1) ranks gallery labels 0 1 1 0 1: rel = 0 1 1 0 1, R = 3
        // ndcg@4: DCG = 1/log2(3) + 1/log2(4); IDCG = 1 + 1/log2(3) + 1/log2(4)
        // ndcg@10 (gallery of 5): DCG adds 1/log2(6); IDCG unchanged (only R = 3 relevant items)
        // query 1 (label 7) has no relevant item: 0
        long[][] idx = {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}};
        double[][] dist = {{1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}};
        RetrievalMetrics r = RetrievalMetrics.of(new KnnResult(idx, dist), new long[] {1, 7},
                new long[] {0, 1, 1, 0, 1}, null);
        double ideal = 1 + inv2(3) + inv2(4);
        assertEquals((inv2(3) + inv2(4)) / ideal / 2, r.ndcgAt(4), EPS);
        assertEquals((inv2(3) + inv2(4) + inv2(6)) / ideal / 2, r.ndcgAt(10), EPS);
        // ndcg@1: query 0's first item is irrelevant
        assertEquals(0, r.ndcgAt(1), EPS);
        // query 0 alone: its second item is relevant
        assertEquals(1, r.forQueries(new int[] {0}).cmcAt(2), EPS);
    }

    /** Five 1-d rows, all queries and gallery: x = 0 1 3 10 11, labels 0 0 1 1 2, categories A A B B B. */
    @Test
    void perCategoryMetricsAsOml() {
        // rankings (self left out), relevant marked *:
        //   q0 (A): 1* 2 3 4      q1 (A): 0* 2 3 4     q2 (B): 1 0 3* 4
        //   q3 (B): 4 2* 1 0      q4 (B, label 2): no relevant item
        // cmc@1: 1 1 0 0 0 -> OVERALL 0.4, A 1, B 0;  cmc@2: 1 1 0 1 0 -> 0.6, A 1, B 1/3
        // precision@2 = hits / min(2, R = 1): 1 1 0 1 0 -> 0.6, B 1/3
        // map@2: q3 finds its item at rank 2 -> (1/2) / 1 = 0.5: 1 1 0 0.5 0 -> OVERALL 0.5, B 1/6
        // ndcg@2: q3 -> (1/log2 3) / 1: 1 1 0 1/log2(3) 0 -> OVERALL (2 + 1/log2 3) / 5
        // fnmr@fmr 0.25: positive pairs (0,1) (1,0) (2,3) (3,2) at 1 1 7 7; the 16 negatives sorted
        //   1 1 2 2 3 3 8 8 9 9 10 10 10 10 11 11, h = 15 * 0.25 = 3.75 -> 3 - (3 - 2) * 0.25 = 2.75;
        //   positives >= 2.75: 7 7 -> 0.5
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[][] {{0}, {1}, {3}, {10}, {11}});
            long[] labels = {0, 0, 1, 1, 2};
            boolean[] all = {true, true, true, true, true};
            String[] categories = {"A", "A", "B", "B", "B"};
            OmlEmbeddingMetrics config = new OmlEmbeddingMetrics(List.of(1, 2), List.of(2), List.of(2), List.of(2),
                    List.of(0.25), List.of(0.5), Distance.euclidean());
            Map<String, Map<String, Double>> out = config.compute(x, labels, all, all, categories);
            assertEquals(List.of("OVERALL", "A", "B"), List.copyOf(out.keySet()));
            Map<String, Double> overall = out.get("OVERALL");
            assertEquals(0.4, overall.get("cmc/1"), EPS);
            assertEquals(0.6, overall.get("cmc/2"), EPS);
            assertEquals(0.6, overall.get("precision/2"), EPS);
            assertEquals(0.5, overall.get("map/2"), EPS);
            assertEquals((2 + inv2(3)) / 5, overall.get("ndcg/2"), EPS);
            assertEquals(0.5, overall.get("fnmr@fmr/0.25"), EPS);
            assertEquals(1, overall.get("pcf/0.5"), EPS); // one dimension
            assertEquals(1, out.get("A").get("cmc/1"), EPS);
            assertEquals(0, out.get("B").get("cmc/1"), EPS);
            assertEquals(1.0 / 3, out.get("B").get("cmc/2"), EPS);
            assertEquals(1.0 / 6, out.get("B").get("map/2"), EPS);
            assertTrue(!out.get("B").containsKey("fnmr@fmr/0.25"), "FNMR@FMR is reported overall only");
            assertEquals(0.4, OmlEmbeddingMetrics.flatten(out).get("OVERALL/cmc/1"), EPS);

            // the same through SampleMetric, as an Evaluator or an attached metric computes it
            EmbeddedSample sample = EmbeddedSample.ofGroups(x, labels, null);
            assertEquals((2 + inv2(3)) / 5, SampleMetric.ndcg(Distance.euclidean(), 2).compute(sample), EPS);
            assertEquals(0.5, SampleMetric.fnmrAtFmr(Distance.euclidean(), 0.25).compute(sample), EPS);
            assertEquals(1, SampleMetric.pcf(0.5).compute(sample), EPS);
            SampleMetric cmc2 = SampleMetric.retrieval(Distance.euclidean(), 2, r -> r.cmcAt(2));
            assertEquals(1.0 / 3, SampleMetric.inCategory(categories, "B", cmc2).compute(sample), EPS);
            assertTrue(Double.isNaN(SampleMetric.inCategory(categories, "C", cmc2).compute(sample)));
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new OmlEmbeddingMetrics(List.of(0), List.of(), List.of(),
                List.of(), List.of(), List.of(), Distance.euclidean()));
        assertThrows(IllegalArgumentException.class, () -> new OmlEmbeddingMetrics(List.of(), List.of(), List.of(),
                List.of(), List.of(1.5), List.of(), Distance.euclidean()));
        assertThrows(IllegalArgumentException.class, () -> SampleMetric.pcf(-0.1));
        assertThrows(IllegalArgumentException.class, () -> SampleMetric.ndcg(Distance.cosine(), 0));
    }
}
