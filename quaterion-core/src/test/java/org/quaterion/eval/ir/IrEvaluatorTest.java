package org.quaterion.eval.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

/**
 * The evaluator end to end: encoding through an {@link IrEncoder}, the search (exact and HNSW), ties, the score
 * function. Embeddings have at most two non-zero values, so every score is exact in float32 and ties are real ties.
 */
class IrEvaluatorTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Looks texts up in a table of vectors. */
    private static IrEncoder table(Map<String, float[]> vectors) {
        return IrEncoder.of(texts -> texts.stream().map(vectors::get).toArray(float[][]::new),
                texts -> texts.stream().map(vectors::get).toArray(float[][]::new));
    }

    private static IrEvaluator.Config at(int... k) {
        return IrEvaluator.Config.defaults().withAccuracyAt(k).withPrecisionRecallAt(k).withMrrAt(k).withNdcgAt(k)
                .withMapAt(k);
    }

    /**
     * Query q along x; documents a (x), b (0.8x + 0.6y, cosine 0.8), c (y, cosine 0), d (-x); b and c relevant.
     * Cosine ranking: a, b, c, d.
     */
    private static Map<String, float[]> vectors() {
        Map<String, float[]> v = new LinkedHashMap<>();
        v.put("q", new float[] {1, 0});
        v.put("a", new float[] {1, 0});
        v.put("b", new float[] {0.8f, 0.6f});
        v.put("c", new float[] {0, 1});
        v.put("d", new float[] {-1, 0});
        return v;
    }

    private static IrDataset abcd() {
        return IrDataset.builder().addQuery("q1", "q").addDocument("A", "a").addDocument("B", "b")
                .addDocument("C", "c").addDocument("D", "d").addRelevant("q1", "B").addRelevant("q1", "C").build();
    }

    @Test
    void ranksTheCorpusAndScoresIt() {
        IrResult r = new IrEvaluator(abcd(), at(1, 2, 3)).evaluate(table(vectors()), manager);
        // ranking A B C D; hits at ranks 2 and 3 of 2 relevant
        assertEquals("exact", r.engine());
        assertEquals(1, r.queries());
        assertEquals(4, r.documents());
        assertEquals(0.0, r.get("accuracy@1"));
        assertEquals(1.0, r.get("accuracy@2"));
        assertEquals(0.5, r.get("precision@2"), 1e-12);
        assertEquals(2.0 / 3, r.get("precision@3"), 1e-12);
        assertEquals(1.0, r.get("recall@3"), 1e-12);
        assertEquals(0.5, r.get("mrr@3"), 1e-12);
        // MAP@3: (1/2 + 2/3) / min(3, 2) = 0.5833333
        assertEquals((0.5 + 2.0 / 3) / 2, r.get("map@3"), 1e-12);
        // NDCG@3: (1/log2(3) + 1/log2(4)) / (1 + 1/log2(3)) = 1.1309298 / 1.6309298
        assertEquals((1 / log2(3) + 0.5) / (1 + 1 / log2(3)), r.get("ndcg@3"), 1e-12);
    }

    @Test
    void hnswAboveTheThresholdRanksTheSame() {
        IrEvaluator exact = new IrEvaluator(abcd(), at(1, 2, 3));
        IrEvaluator hnsw = new IrEvaluator(abcd(), at(1, 2, 3).withHnswThreshold(0));
        IrResult a = exact.evaluate(table(vectors()), manager);
        IrResult b = hnsw.evaluate(table(vectors()), manager);
        assertEquals("hnsw", b.engine());
        for (String k : a.metrics().keySet()) {
            assertEquals(a.get(k), b.get(k), 1e-6, k);
        }
    }

    @Test
    void dotProductRanksByLengthToo() {
        Map<String, float[]> v = new LinkedHashMap<>();
        v.put("q", new float[] {1, 0});
        v.put("short", new float[] {1, 0}); // cosine 1, dot 1
        v.put("long", new float[] {3, 3}); // cosine 0.707, dot 3
        IrDataset data = IrDataset.builder().addQuery("q1", "q").addDocument("S", "short").addDocument("L", "long")
                .addRelevant("q1", "L").build();
        assertEquals(0.5, new IrEvaluator(data, at(2)).evaluate(table(v), manager).get("mrr@2"), 1e-12);
        assertEquals(1.0, new IrEvaluator(data, at(2).withDistance(Distance.dotProduct())).evaluate(table(v),
                manager).get("mrr@2"), 1e-12);
    }

    @Test
    void tiesRankInCorpusOrder() {
        Map<String, float[]> v = vectors();
        v.put("b2", new float[] {0.8f, 0.6f});
        // B and B2 tie at rank 2 (after A); only the one earlier in the corpus takes rank 2
        IrDataset b2First = IrDataset.builder().addQuery("q1", "q").addDocument("A", "a").addDocument("B2", "b2")
                .addDocument("B", "b").addRelevant("q1", "B").build();
        IrDataset bFirst = IrDataset.builder().addQuery("q1", "q").addDocument("A", "a").addDocument("B", "b")
                .addDocument("B2", "b2").addRelevant("q1", "B").build();
        assertEquals(0.0, new IrEvaluator(b2First, at(2)).evaluate(table(v), manager).get("recall@2"));
        assertEquals(1.0 / 3, new IrEvaluator(b2First, at(3)).evaluate(table(v), manager).get("mrr@3"), 1e-12);
        assertEquals(1.0, new IrEvaluator(bFirst, at(2)).evaluate(table(v), manager).get("recall@2"));
    }

    @Test
    void aTieAcrossTheCutOffIsSearchedDeeper() {
        // 300 identical documents: every score ties, so the top 10 are the first 10 in corpus order (the search is
        // repeated deeper until it holds the whole tie)
        Map<String, float[]> v = new LinkedHashMap<>();
        v.put("q", new float[] {1, 0});
        v.put("doc", new float[] {0.6f, 0.8f});
        IrDataset.Builder b = IrDataset.builder().addQuery("q1", "q").addQuery("q2", "q");
        for (int i = 0; i < 300; i++) {
            b.addDocument("D" + i, "doc");
        }
        IrDataset data = b.addRelevant("q1", "D5").addRelevant("q2", "D299").build();
        IrResult r = new IrEvaluator(data, at(10)).evaluate(table(v), manager);
        // q1: D5 at rank 6 → MRR 1/6; q2: D299 not in the top 10 → 0
        assertEquals((1.0 / 6) / 2, r.get("mrr@10"), 1e-12);
        assertEquals(0.5, r.get("recall@10"), 1e-12);
    }

    @Test
    void kLargerThanTheCorpus() {
        // 4 documents ranked A B C D, B and C relevant, k = 10
        IrResult r = new IrEvaluator(abcd(), at(10)).evaluate(table(vectors()), manager);
        assertEquals(0.2, r.get("precision@10"), 1e-12); // 2 hits / 10
        assertEquals(1.0, r.get("recall@10"), 1e-12);
        assertEquals((0.5 + 2.0 / 3) / 2, r.get("map@10"), 1e-12); // / min(10, 2)
    }

    @Test
    void encodesInBatchesOfTheConfiguredSize() {
        List<Integer> sizes = new java.util.ArrayList<>();
        Map<String, float[]> v = vectors();
        IrEncoder counting = IrEncoder.of(texts -> texts.stream().map(v::get).toArray(float[][]::new), texts -> {
            sizes.add(texts.size());
            return texts.stream().map(v::get).toArray(float[][]::new);
        });
        new IrEvaluator(abcd(), at(1).withBatchSize(3)).evaluate(counting, manager);
        assertEquals(List.of(3, 1), sizes);
    }

    @Test
    void refusesAnEncoderThatLosesRowsOrChangesWidth() {
        Map<String, float[]> v = vectors();
        IrEncoder dropping = IrEncoder.of(texts -> texts.stream().map(v::get).toArray(float[][]::new),
                texts -> new float[][] {{1, 0}});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new IrEvaluator(abcd(), at(1))
                .evaluate(dropping, manager));
        assertEquals("the encoder returned 1 rows for 4 documents; it must return one embedding per text",
                e.getMessage());
        IrEncoder wide = IrEncoder.of(texts -> texts.stream().map(v::get).toArray(float[][]::new),
                texts -> texts.stream().map(t -> new float[3]).toArray(float[][]::new));
        e = assertThrows(IllegalStateException.class, () -> new IrEvaluator(abcd(), at(1)).evaluate(wide, manager));
        assertEquals("the encoder returned documents embeddings of width 3 where 2 was expected; queries and "
                + "documents must be encoded to one width", e.getMessage());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void aModelsQueriesAndDocumentsGetTheirRolesPrompts() {
        // character counts ('z' and 'a' fall in different buckets): the query "a" alone is nearest the distractor
        // "a"; with the query prompt "zzzz" it reads "zzzza", nearest the relevant "zzzz"
        IrDataset data = IrDataset.builder().addQuery("q", "a").addDocument("relevant", "zzzz")
                .addDocument("distractor", "a").addRelevant("q", "relevant").build();
        IrEvaluator evaluator = new IrEvaluator(data, at(2));
        for (org.quaterion.models.Prompts prompts : List.of(org.quaterion.models.Prompts.NONE,
                org.quaterion.models.Prompts.of("zzzz", ""))) {
            try (org.quaterion.models.SimilarityModel<String> model = org.quaterion.models.SimilarityModel
                    .<String>builder().addEncoder("text", org.quaterion.models.TextCountsEncoder.create())
                    .setHead(new org.quaterion.models.heads.EmptyHead(org.quaterion.models.TextCountsEncoder.SIZE))
                    .optPrompts(prompts).build()) {
                assertEquals(prompts.isEmpty() ? 0.5 : 1.0, evaluator.evaluate(model).get("mrr@2"), 1e-12,
                        "prompts " + prompts);
            }
        }
    }
}
