package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.search.ExactKnn;

/** The Evaluator, its samplers (with Quaterion's sampler bugs fixed), the query/gallery protocol and AttachedMetric. */
class EvaluatorTest {

    private static SimilarityModel<float[]> identity(int dim) {
        return SimilarityModel.<float[]>builder().addEncoder("x", TestModels.lambdaEncoder("identity", dim, x -> x))
                .setHead(new EmptyHead(dim)).build();
    }

    /** Quaterion's test_evaluator data: E = [[1,1],[8,8],[4,4],[6,7]], pairs (0,2) and (1,3), Manhattan. */
    @Test
    void quaterionPairEvaluatorCasesInAllFourModes() {
        List<SimilarityPairSample<float[]>> pairs = List.of(
                SimilarityPairSample.of(new float[] {1, 1}, new float[] {4, 4}, 1),
                SimilarityPairSample.of(new float[] {8, 8}, new float[] {6, 7}, 1));
        try (SimilarityModel<float[]> model = identity(2)) {
            // rows [a0, a1, b0, b1] = [[1,1],[8,8],[4,4],[6,7]]: RRK over all rows = mean(1, 1, 0.5, 1)
            Map<String, Double> full = new Evaluator<>(Map.of("rrk",
                    SampleMetric.retrievalReciprocalRank(Distance.manhattan())), new PairSampler<float[]>(-1, false, 3,
                    0)).evaluate(pairs, model);
            assertEquals(0.875, full.get("rrk"), 1e-12);
            for (boolean distinguish : new boolean[] {false, true}) {
                for (int size : new int[] {-1, 1}) {
                    double rrk = new Evaluator<>(Map.of("rrk", SampleMetric.retrievalReciprocalRank(
                            Distance.manhattan())), new PairSampler<float[]>(size, distinguish, 2, 5))
                            .evaluate(pairs, model).get("rrk");
                    assertTrue(distinguish ? rrk == 1.0 : rrk >= 0.5, distinguish + " " + size + " " + rrk);
                }
            }
        }
    }

    /**
     * Quaterion's distinguish-mode bug took relevance rows L[idx] instead of L[pairs[idx, 0]]: with 20 pairs and a
     * small encode batch only some queries had their positive. Here every first item is closest to its own second
     * item, so RRK and P@1 must be exactly 1.
     */
    @Test
    void distinguishModeUsesEachQuerysOwnPair() {
        List<SimilarityPairSample<float[]>> pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pairs.add(SimilarityPairSample.of(new float[] {10 * i, 0}, new float[] {10 * i, 1}, 1));
        }
        try (SimilarityModel<float[]> model = identity(2)) {
            Map<String, Double> out = new Evaluator<>(Map.of(
                    "rrk", SampleMetric.retrievalReciprocalRank(Distance.euclidean()),
                    "p1", SampleMetric.retrievalPrecision(1, Distance.euclidean()),
                    "acc", SampleMetric.pairScores(Distance.euclidean(), s -> s.bestAccuracy().value())),
                    new PairSampler<float[]>(12, true, 4, 3)).evaluate(pairs, model);
            assertEquals(1.0, out.get("rrk"), 0);
            assertEquals(1.0, out.get("p1"), 0);
            assertEquals(1.0, out.get("acc"), 0);
        }
    }

    /**
     * Quaterion's GroupSampler masked D[i, i] instead of D[i, idx[i]], so each query found itself first. Fixed, a
     * sampled evaluation equals the leave-one-out metrics of the same query rows.
     */
    @Test
    void groupSamplerExcludesEachQuerysOwnRow() {
        List<float[]> rows = TestModels.rows(60, 4, 11);
        List<SimilarityGroupSample<float[]>> data = new ArrayList<>();
        long[] groups = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            groups[i] = i % 5;
            data.add(new SimilarityGroupSample<>(rows.get(i), groups[i]));
        }
        try (SimilarityModel<float[]> model = identity(4); NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(rows.toArray(new float[0][]));
            RetrievalMetrics loo = RetrievalProtocol.leaveOneOut(new ExactKnn(Distance.cosine()), e, groups, 0);
            Map<String, Double> all = new Evaluator<>(Map.of("rrp", SampleMetric.retrievalRPrecision(Distance.cosine()),
                    "p1", SampleMetric.retrieval(Distance.cosine(), RetrievalMetrics::precisionAt1)),
                    new GroupSampler<float[]>(-1, 7, 0)).evaluate(data, model);
            assertEquals(loo.quaterionRPrecision(), all.get("rrp"), 1e-12);
            assertEquals(loo.precisionAt1(), all.get("p1"), 1e-12);
            assertTrue(all.get("p1") < 1, "random rows: a query that found itself would score 1");

            long[] drawn = Sampler.drawRows(60, 25, 9);
            boolean[] isQuery = new boolean[60];
            for (long r : drawn) {
                isQuery[(int) r] = true;
            }
            boolean[] everyRow = new boolean[60];
            java.util.Arrays.fill(everyRow, true);
            RetrievalMetrics sampled = RetrievalProtocol.queryGallery(new ExactKnn(Distance.cosine()), e, groups,
                    isQuery, everyRow, 0);
            double p1 = new Evaluator<>(Map.of("p1", SampleMetric.retrieval(Distance.cosine(),
                    RetrievalMetrics::precisionAt1)), new GroupSampler<float[]>(25, 7, 9)).evaluate(data, model)
                    .get("p1");
            assertEquals(sampled.precisionAt1(), p1, 1e-12);
        }
    }

    @Test
    void matryoshkaLevelsAreEvaluatedOnPrefixesOfOneSample() {
        // groups differ only in the last column: the full vectors separate them, the 2-value prefixes cannot
        List<SimilarityGroupSample<float[]>> data = new ArrayList<>();
        Random random = new Random(4);
        for (int i = 0; i < 40; i++) {
            long group = i % 2;
            data.add(new SimilarityGroupSample<>(new float[] {(float) random.nextGaussian(),
                (float) random.nextGaussian(), 0, group * 100f}, group));
        }
        try (SimilarityModel<float[]> model = identity(4)) {
            Evaluator<SimilarityGroupSample<float[]>, float[]> evaluator = new Evaluator<>(Map.of("p1",
                    SampleMetric.retrieval(Distance.euclidean(), RetrievalMetrics::precisionAt1)), new GroupSampler<>(-1, 64, 0));
            Map<String, Double> levels = evaluator.evaluate(data, model, 4, 2);
            assertEquals(List.of("p1@4", "p1@2"), new ArrayList<>(levels.keySet()));
            assertEquals(evaluator.evaluate(data, model).get("p1"), levels.get("p1@4"), 0);
            assertEquals(1.0, levels.get("p1@4"), 0);
            assertTrue(levels.get("p1@2") < 0.8, "the prefix carries no group information: " + levels);
            assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(data, model, 5));
        }
    }

    @Test
    void queryGalleryProtocol() {
        // queries 0, 1 (query only); gallery 2..5; row 2 is both and never retrieves itself
        double[][] x = {{0, 0}, {10, 10}, {0, 1}, {0, 2}, {10, 11}, {10, 12}};
        long[] labels = {1, 2, 1, 1, 2, 2};
        boolean[] isQuery = {true, true, true, false, false, false};
        boolean[] isGallery = {false, false, true, true, true, true};
        try (NDManager m = NDManager.newBaseManager()) {
            RetrievalMetrics metrics = RetrievalProtocol.queryGallery(new ExactKnn(Distance.euclidean()),
                    m.create(x), labels, isQuery, isGallery, 0);
            assertEquals(1.0, metrics.precisionAt1(), 0);
            assertEquals(1.0, metrics.rPrecision(), 0, "R = 2, 2, 1 relevant gallery items, all ranked first");
            assertEquals(1.0, metrics.meanAveragePrecisionAtR(), 0);
            IllegalArgumentException noGallery = assertThrows(IllegalArgumentException.class,
                    () -> RetrievalProtocol.queryGallery(new ExactKnn(Distance.euclidean()), m.create(x), labels,
                            isQuery, new boolean[6], 0));
            assertTrue(noGallery.getMessage().contains("gallery is empty"), noGallery.getMessage());
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                    () -> RetrievalProtocol.leaveOneOut(new ExactKnn(Distance.euclidean()), m.create(x),
                            new long[] {1, 2}, 0));
            assertTrue(length.getMessage().contains("labels has 2 entries for 6"), length.getMessage());
        }
    }

    @Test
    void metricsOfTheWrongFamilyAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            EmbeddedSample groups = EmbeddedSample.ofGroups(m.create(new double[][] {{0, 1}, {1, 0}}),
                    new long[] {1, 1}, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SampleMetric.retrievalReciprocalRank(Distance.cosine()).compute(groups));
            assertTrue(e.getMessage().contains("PairSampler"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> EmbeddedSample.ofPairs(
                    m.create(new double[][] {{0, 1}, {1, 0}}), new long[][] {{0, 1}, {1, 0}}, new double[] {1, 1},
                    null, false));
        }
        assertThrows(IllegalArgumentException.class, () -> new Evaluator<>(Map.of(), new GroupSampler<>(-1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> new GroupSampler<float[]>(-1, 0, 0));
    }

    @Test
    void attachedMetricKeysAndStages() {
        AttachedMetric rrp = AttachedMetric.of("rrp", SampleMetric.retrievalRPrecision(Distance.cosine()));
        assertEquals("rrp_train", rrp.key(AttachedMetric.Stage.TRAIN));
        assertEquals("rrp_validation", rrp.key(AttachedMetric.Stage.VALIDATION));
        assertTrue(rrp.runsIn(AttachedMetric.Stage.TRAIN) && rrp.runsIn(AttachedMetric.Stage.VALIDATION));
        AttachedMetric valOnly = new AttachedMetric("p1", rrp.metric(), EnumSet.of(AttachedMetric.Stage.VALIDATION),
                new AttachedMetric.LogOptions(true, true, false, true));
        assertTrue(!valOnly.runsIn(AttachedMetric.Stage.TRAIN) && valOnly.options().progressBar());
        assertThrows(IllegalArgumentException.class, () -> AttachedMetric.of("bad name", rrp.metric()));
        assertThrows(IllegalArgumentException.class, () -> new AttachedMetric("x", rrp.metric(),
                EnumSet.noneOf(AttachedMetric.Stage.class), AttachedMetric.LogOptions.defaults()));
    }
}
