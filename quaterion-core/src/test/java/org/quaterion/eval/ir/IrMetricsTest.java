package org.quaterion.eval.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every metric on hand-worked rankings. Documents are numbered by corpus position; the ranking lists the retrieved
 * positions best first. log2(3) = 1.5849625, so 1/log2(3) = 0.6309298; 1/log2(4) = 0.5; 1/log2(5) = 0.4306766.
 */
class IrMetricsTest {

    private static final double EPS = 1e-12;

    /** Ranking A B C D E of a corpus where B (1), D (3) and F (5, not retrieved) are relevant. */
    private static final int[] RANKED = {0, 1, 2, 3, 4};
    private static final Map<Integer, Integer> BDF = Map.of(1, 1, 3, 1, 5, 1);

    private static IrEvaluator.Config at(int... k) {
        return IrEvaluator.Config.defaults().withAccuracyAt(k).withPrecisionRecallAt(k).withMrrAt(k).withNdcgAt(k)
                .withMapAt(k);
    }

    private static Map<String, Double> one(IrEvaluator.Config config, int[] ranked, Map<Integer, Integer> relevant) {
        IrMetrics metrics = new IrMetrics(config);
        metrics.add(ranked, relevant);
        return metrics.means();
    }

    @Test
    void accuracyIsOneWhenAnyOfTheTopKIsRelevant() {
        Map<String, Double> m = one(at(1, 2, 5), RANKED, BDF);
        // top 1 = A: no hit; top 2 = A B: B is relevant
        assertEquals(0.0, m.get("accuracy@1"), EPS);
        assertEquals(1.0, m.get("accuracy@2"), EPS);
        assertEquals(1.0, m.get("accuracy@5"), EPS);
    }

    @Test
    void precisionDividesByKAndRecallByTheRelevantCount() {
        Map<String, Double> m = one(at(1, 3, 5), RANKED, BDF);
        // hits in the top 1, 3, 5: 0, 1 (B), 2 (B, D); 3 relevant documents
        assertEquals(0.0, m.get("precision@1"), EPS);
        assertEquals(1.0 / 3, m.get("precision@3"), EPS);
        assertEquals(2.0 / 5, m.get("precision@5"), EPS);
        assertEquals(0.0, m.get("recall@1"), EPS);
        assertEquals(1.0 / 3, m.get("recall@3"), EPS);
        assertEquals(2.0 / 3, m.get("recall@5"), EPS);
    }

    @Test
    void mrrIsTheReciprocalRankOfTheFirstHitWithinK() {
        Map<String, Double> m = one(at(1, 2, 5), RANKED, BDF);
        // first hit B at rank 2: 1/2 from k = 2 on, 0 at k = 1
        assertEquals(0.0, m.get("mrr@1"), EPS);
        assertEquals(0.5, m.get("mrr@2"), EPS);
        assertEquals(0.5, m.get("mrr@5"), EPS);
    }

    @Test
    void mapDividesThePrecisionsAtTheHitsByMinOfKAndRelevant() {
        Map<String, Double> m = one(at(1, 2, 5), RANKED, BDF);
        // k = 5: hits at ranks 2 and 4, precisions 1/2 and 2/4, sum 1.0, / min(5, 3) = 1/3
        // k = 2: hit at rank 2, precision 1/2, / min(2, 3) = 1/4; k = 1: no hit, 0
        assertEquals(1.0 / 3, m.get("map@5"), EPS);
        assertEquals(0.25, m.get("map@2"), EPS);
        assertEquals(0.0, m.get("map@1"), EPS);
    }

    @Test
    void ndcgWithBinaryRelevance() {
        Map<String, Double> m = one(at(5), RANKED, BDF);
        // DCG@5 = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616063
        // IDCG@5 = 1 + 1/log2(3) + 1/log2(4) = 2.1309298 (three relevant documents on top)
        // NDCG@5 = 0.4981893
        assertEquals(0.49818925746641285, m.get("ndcg@5"), 1e-12);
    }

    @Test
    void gradedNdcgUsesTheConfiguredGain() {
        // B grade 2, D grade 1, F grade 3 (F not retrieved)
        Map<Integer, Integer> graded = Map.of(1, 2, 3, 1, 5, 3);
        // linear: DCG = 2/log2(3) + 1/log2(5) = 1.6925360; IDCG = 3 + 2/log2(3) + 1/log2(4) = 4.7618595
        assertEquals(0.35543595158098623, one(at(5), RANKED, graded).get("ndcg@5"), 1e-12);
        // exponential (2^g - 1: 3, 1, 7): DCG = 3/log2(3) + 1/log2(5) = 2.3234658;
        // IDCG = 7 + 3/log2(3) + 1/log2(4) = 9.3927893
        assertEquals(0.24736696994850418, one(at(5).withGain(NdcgGain.EXPONENTIAL), RANKED, graded).get("ndcg@5"),
                1e-12);
        // binary ignores the grades: the binary case above
        assertEquals(0.49818925746641285, one(at(5).withGain(NdcgGain.BINARY), RANKED, graded).get("ndcg@5"),
                1e-12);
        // grades of 1 everywhere: linear = exponential = binary
        assertEquals(0.49818925746641285, one(at(5).withGain(NdcgGain.EXPONENTIAL), RANKED, BDF).get("ndcg@5"),
                1e-12);
    }

    @Test
    void ndcgIsOneForAnIdealGradedRanking() {
        // F (3) at rank 1, B (2) at rank 2, D (1) at rank 3: the ideal order
        assertEquals(1.0, one(at(3), new int[] {5, 1, 3, 0, 2}, Map.of(1, 2, 3, 1, 5, 3)).get("ndcg@3"), 1e-12);
        // B and D swapped with F on top: DCG = 3 + 1/log2(3) + 2/log2(4) = 4.6309298; IDCG = 3 + 2/log2(3) + 0.5
        assertEquals((3 + 1 / log2(3) + 1.0) / (3 + 2 / log2(3) + 0.5), one(at(3), new int[] {5, 3, 1},
                Map.of(1, 2, 3, 1, 5, 3)).get("ndcg@3"), 1e-12);
    }

    @Test
    void kBeyondTheRankingKeepsTheDefinitions() {
        // a 3-document corpus ranked C A B (2, 0, 1), only B relevant; k = 10 > 3 documents
        Map<String, Double> m = one(at(10), new int[] {2, 0, 1}, Map.of(1, 1));
        assertEquals(1.0, m.get("accuracy@10"), EPS);
        assertEquals(0.1, m.get("precision@10"), EPS); // 1 hit / k = 10
        assertEquals(1.0, m.get("recall@10"), EPS);
        assertEquals(1.0 / 3, m.get("mrr@10"), EPS);
        assertEquals(0.5, m.get("ndcg@10"), EPS); // (1/log2(4)) / 1
        assertEquals(1.0 / 3, m.get("map@10"), EPS); // (1/3) / min(10, 1)
    }

    @Test
    void queriesAreAveraged() {
        IrMetrics metrics = new IrMetrics(at(1, 5));
        metrics.add(RANKED, BDF);
        // second query: C (2) ranked first and only it relevant: every metric 1 except precision@5 = 1/5
        metrics.add(new int[] {2, 0, 1, 3, 4}, Map.of(2, 1));
        Map<String, Double> m = metrics.means();
        assertEquals(0.5, m.get("accuracy@1"), EPS); // (0 + 1) / 2
        assertEquals((0.4 + 0.2) / 2, m.get("precision@5"), EPS);
        assertEquals((2.0 / 3 + 1) / 2, m.get("recall@5"), EPS);
        assertEquals((0.5 + 1) / 2, m.get("mrr@5"), EPS);
        assertEquals((0.49818925746641285 + 1) / 2, m.get("ndcg@5"), 1e-12);
        assertEquals((1.0 / 3 + 1) / 2, m.get("map@5"), EPS);
    }

    @Test
    void namesFollowSentenceTransformersOrder() {
        assertEquals(List.of("accuracy@1", "accuracy@3", "accuracy@5", "accuracy@10", "precision@1", "recall@1",
                "precision@3", "recall@3", "precision@5", "recall@5", "precision@10", "recall@10", "mrr@10",
                "ndcg@10", "map@100"), IrEvaluator.Config.defaults().metricNames());
        assertEquals(100, IrEvaluator.Config.defaults().maxK());
    }

    @Test
    void refusesBadCutOffs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IrEvaluator.Config.defaults()
                .withNdcgAt(0));
        assertEquals("the NDCG cut-offs must be >= 1, got [0]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IrEvaluator.Config.defaults().withAccuracyAt()
                .withPrecisionRecallAt().withMrrAt().withNdcgAt().withMapAt());
        assertEquals("the IR evaluator has no metric: give at least one k", e.getMessage());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
