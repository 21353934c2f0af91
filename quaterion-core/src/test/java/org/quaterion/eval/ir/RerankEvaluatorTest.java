package org.quaterion.eval.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.models.rerank.PairScorer;

/**
 * Re-ranking a first stage on hand-made 2-d embeddings. Query q1 lies along x, q2 along y; documents d0, d1, d2, d3
 * are unit vectors at 10°, 20°, 30° and 90°. With 3 candidates the cosine first stage ranks q1: d0, d1, d2 and
 * q2: d3, d2, d1. q1's relevant documents are d2 (a candidate) and d3 (not one); q2's is d1.
 */
class RerankEvaluatorTest {

    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    private static IrDataset data() {
        return IrDataset.builder().addQuery("q1", "q1").addQuery("q2", "q2").addDocument("d0", "d0")
                .addDocument("d1", "d1").addDocument("d2", "d2").addDocument("d3", "d3").addRelevant("q1", "d2")
                .addRelevant("q1", "d3").addRelevant("q2", "d1").build();
    }

    private static float[] angle(double degrees) {
        double a = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(a), (float) Math.sin(a)};
    }

    private static final Map<String, float[]> VECTORS = Map.of("q1", angle(0), "q2", angle(90), "d0", angle(10),
            "d1", angle(20), "d2", angle(30), "d3", angle(90));

    private static final IrEncoder ENCODER = IrEncoder.of(t -> t.stream().map(VECTORS::get).toArray(float[][]::new),
            t -> t.stream().map(VECTORS::get).toArray(float[][]::new));

    /** Scores (query, document) from a table. */
    private static PairScorer<String, String> table(Map<String, Float> scores) {
        return new PairScorer<>() {
            @Override
            public float[] score(String query, List<String> candidates) {
                float[] out = new float[candidates.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = scores.get(query + "|" + candidates.get(i));
                }
                return out;
            }

            @Override
            public void close() {}
        };
    }

    private static RerankEvaluator.Config config() {
        return new RerankEvaluator.Config(3, IrEvaluator.Config.defaults().withAccuracyAt().withPrecisionRecallAt(1, 3)
                .withMrrAt(3).withNdcgAt(3).withMapAt());
    }

    @Test
    void metricsBeforeAndAfterAndTheRecallKept() {
        // q1 re-ranked: d2, d1, d0 (its relevant candidate first); q2 re-ranked: d3, d1, d2 (relevant d1 second)
        PairScorer<String, String> scorer = table(Map.of("q1|d0", 0.1f, "q1|d1", 0.2f, "q1|d2", 0.9f, "q2|d3", 0.8f,
                "q2|d2", 0.1f, "q2|d1", 0.7f));
        RerankResult r;
        try (NDManager manager = NDManager.newBaseManager()) {
            r = new RerankEvaluator(data(), config()).evaluate(ENCODER, manager, scorer);
        }
        double idcgQ1 = 1 + 1 / LOG2_3; // two relevant documents
        // first stage: both relevant candidates at rank 3
        assertEquals(0, r.firstStage().get("recall@1"), 1e-9);
        assertEquals((0.5 + 1) / 2, r.firstStage().get("recall@3"), 1e-9);
        assertEquals(1.0 / 3, r.firstStage().get("mrr@3"), 1e-9);
        assertEquals((0.5 / idcgQ1 + 0.5) / 2, r.firstStage().get("ndcg@3"), 1e-6);
        // re-ranked: q1's at rank 1, q2's at rank 2
        assertEquals((0.5 + 0) / 2, r.reranked().get("recall@1"), 1e-9);
        assertEquals(0.75, r.reranked().get("recall@3"), 1e-9);
        assertEquals((1 + 0.5) / 2, r.reranked().get("mrr@3"), 1e-9);
        assertEquals((1 / idcgQ1 + 1 / LOG2_3) / 2, r.reranked().get("ndcg@3"), 1e-6);
        // the first stage found 0.75 of the relevant documents; the re-ranked top 1 keeps a third of that
        assertEquals(0.75, r.firstStageRecall(), 1e-9);
        assertEquals(List.of("recall_kept@1", "recall_kept@3"), List.copyOf(r.recallKept().keySet()));
        assertEquals(0.25 / 0.75, r.recallKept().get("recall_kept@1"), 1e-9);
        assertEquals(1.0, r.recallKept().get("recall_kept@3"), 1e-9);
        assertEquals(3, r.candidates());
    }

    @Test
    void refusesMetricsDeeperThanTheCandidatesAndBadScorers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config().withCandidates(2));
        assertTrue(e.getMessage().contains("cuts off at 3 but only 2 candidates"), e.getMessage());
        PairScorer<String, String> nan = table(Map.of("q1|d0", Float.NaN, "q1|d1", 0f, "q1|d2", 0f));
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> new RerankEvaluator(data(), config()).evaluate(ENCODER, manager, nan));
            assertTrue(s.getMessage().contains("scored candidate 0 of query 'q1' NaN"), s.getMessage());
        }
    }
}
