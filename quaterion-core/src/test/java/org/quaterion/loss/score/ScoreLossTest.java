package org.quaterion.loss.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.loss.LossHarness;
import org.quaterion.registry.ComponentRegistry;

/** Hand-worked values and gradients of the cross-encoder losses, and the inputs and settings they refuse. */
class ScoreLossTest {

    private static final double LN2 = Math.log(2);

    /** Value and d value / d scores of a loss on float64 scores. */
    private static LossHarness.Result run(ScoreLoss loss, double[] scores, double[] targets, long[] groups) {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] column = new double[scores.length][];
            for (int i = 0; i < scores.length; i++) {
                column[i] = new double[] {scores[i]};
            }
            NDArray t = m.create(targets);
            NDArray g = m.create(groups);
            return LossHarness.run(m, column, s -> loss.forward(s.reshape(-1), t, g), null);
        }
    }

    private static void assertRun(LossHarness.Result r, double value, double... grad) {
        assertEquals(value, r.value(), 1e-12);
        assertArrayEquals(grad, r.grad(), 1e-12);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void binaryCrossEntropyByHand() {
        // scores (0, 2), labels (1, 0): −log σ(0) = ln 2 = 0.693147…, −log(1 − σ(2)) = ln(1 + e²) = 2.126928…;
        // mean 1.410038; gradient (σ(x) − y) / n = (−0.25, σ(2)/2 = 0.440399)
        LossHarness.Result r = run(new BinaryCrossEntropyScoreLoss(), new double[] {0, 2}, new double[] {1, 0},
                new long[] {0, 0});
        assertRun(r, (LN2 + Math.log(1 + Math.exp(2))) / 2, -0.25, sigmoid(2) / 2);
        assertEquals(1.4100375958014588, r.value(), 1e-12);
        // pos_weight 3 triples the positive's term: (3 ln 2 + 2.126928) / 2 = 2.103185, gradient 3 · (0.5 − 1) / 2
        LossHarness.Result weighted = run(BinaryCrossEntropyScoreLoss.builder().optPosWeight(3.0).build(),
                new double[] {0, 2}, new double[] {1, 0}, new long[] {0, 0});
        assertRun(weighted, 2.103184776361404, -0.75, sigmoid(2) / 2);
    }

    @Test
    void listwiseCrossEntropyByHand() {
        // identity, scale 1. Group 7: positive ln 3, negative 0 → softmax(pos) = 3 / (3 + 1) = 0.75, loss −ln 0.75 =
        // 0.287682; group 9: its positive alone → 0. Mean over 2 groups 0.143841; gradient (p − onehot) / 2:
        // (0.75 − 1) / 2 = −0.125 and 0.25 / 2 = 0.125; the lone positive 0.
        ListwiseCrossEntropyLoss loss = ListwiseCrossEntropyLoss.builder().optActivationFn(ScoreActivation.IDENTITY)
                .optScale(1).build();
        LossHarness.Result r = run(loss, new double[] {Math.log(3), 5, 0}, new double[] {1, 1, 0},
                new long[] {7, 9, 7});
        assertRun(r, -Math.log(0.75) / 2, -0.125, 0, 0.125);
        // defaults (sigmoid, scale 10) on equal scores: 10·σ(s) equal for both → ln 2, whatever s
        assertEquals(LN2, run(new ListwiseCrossEntropyLoss(), new double[] {0.3, 0.3}, new double[] {0, 1},
                new long[] {1, 1}).value(), 1e-12);
    }

    @Test
    void marginMseByHand() {
        // one group, rows in batch order (p, n1, n2): student (2, 1, 0), teacher (5, 4, 1).
        // student margins (1, 2), teacher margins (1, 4): errors (0, −2), mean square (0 + 4) / 2 = 2;
        // d/ds_p = e1 + e2 = −2, d/ds_n1 = −e1 = 0, d/ds_n2 = −e2 = 2. A second group of one row adds nothing.
        LossHarness.Result r = run(new MarginMseScoreLoss(), new double[] {2, 1, 9, 0}, new double[] {5, 4, 3, 1},
                new long[] {4, 4, 8, 4});
        assertRun(r, 2, -2, 0, 0, 2);
    }

    @Test
    void rankNetByHand() {
        // grades (2, 1, 1), scores (1, 0, 0.5): pairs (0, 1), (0, 2) with t_i > t_j (the tie (1, 2) is no pair);
        // −log2 σ(1) = 0.451832, −log2 σ(0.5) = 0.683441 (… = 0.567945 as their mean); d/ds0 = −[(1 − σ(1)) + (1 −
        // σ(0.5))] / (2 ln 2) = −0.466338, d/ds1 = (1 − σ(1)) / (2 ln 2) = 0.194000, d/ds2 = 0.272338
        LossHarness.Result r = run(new RankNetLoss(), new double[] {1, 0, 0.5}, new double[] {2, 1, 1},
                new long[] {3, 3, 3});
        double g1 = (1 - sigmoid(1)) / (2 * LN2);
        double g2 = (1 - sigmoid(0.5)) / (2 * LN2);
        assertRun(r, 0.5679447985796418, -(g1 + g2), g1, g2);
    }

    @Test
    void lambdaLossByHand() {
        // grades (1, 0), scores (0, 1): the model ranks doc 1 first (rank 0) and doc 0 second (rank 1).
        // maxDCG = (2^1 − 1) / log2(2) = 1, gains G = (1, 0); discounts D = log2(2 + rank) = (log2 3, 1).
        // LambdaRank |1/D0 − 1/D1|·|G0 − G1| = 1 − 0.630930 = 0.369070; NDCG-Loss2 δ_1 = |1/log2 2 − 1/log2 3| =
        // 0.369070 times |G0 − G1| = 1; NDCG-Loss2++ w = 10 · 0.369070 + 0.369070 = 4.059773.
        // loss = −log2(σ(0 − 1)^w) = 4.059773 · 1.894645 = 7.691792; d/ds0 = −w(1 − σ(−1)) / ln 2 = −4.281820
        LossHarness.Result r = run(new LambdaLoss(), new double[] {0, 1}, new double[] {1, 0}, new long[] {5, 5});
        double w = 11 * (1 - 1 / (Math.log(3) / LN2));
        double g = w * (1 - sigmoid(-1)) / LN2;
        assertRun(r, 7.691792032834458, -g, g);
        assertEquals(4.059772710713967, w, 1e-12);
    }

    @Test
    void rankingLossesWithoutPairsAreZeroNotNaN() {
        // equal grades in every group: no pair has t_i > t_j; sentence-transformers' mean over no pairs is NaN
        for (ScoreLoss loss : new ScoreLoss[] {new LambdaLoss(), new RankNetLoss()}) {
            LossHarness.Result r = run(loss, new double[] {0.2, -1, 3}, new double[] {1, 1, 2}, new long[] {0, 0, 1});
            assertRun(r, 0, 0, 0, 0);
        }
    }

    @Test
    void float32ScoresGiveTheFloat64Value() {
        double[] scores = {0.3, -1.2, 2.5, 0.7, -0.1};
        double[] grades = {2, 0, 1, 3, 0};
        long[] groups = {1, 1, 2, 1, 2};
        double expected = run(new LambdaLoss(), scores, grades, groups).value();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(scores).toType(DataType.FLOAT32, false);
            NDArray value = new LambdaLoss().forward(s, m.create(grades), m.create(groups));
            assertEquals(DataType.FLOAT32, value.getDataType());
            assertEquals(expected, value.getFloat(), 1e-5 * Math.max(1, expected));
        }
    }

    @Test
    void degenerateInputsAreRefusedWithMessages() {
        ScoreLoss[] all = {new BinaryCrossEntropyScoreLoss(), new ListwiseCrossEntropyLoss(),
            new MarginMseScoreLoss(), new RankNetLoss(), new LambdaLoss()};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray scores = m.create(new double[] {0.1, 0.2, 0.3});
            NDArray groups = m.create(new long[] {0, 0, 0});
            NDArray targets = m.create(new double[] {1, 0, 0});
            for (ScoreLoss loss : all) {
                String name = loss.getClass().getSimpleName();
                assertMessage("empty batch", () -> loss.forward(m.create(new double[0]), m.create(new double[0]),
                        m.create(new long[0])));
                assertMessage("finite targets", () -> loss.forward(scores, m.create(new double[] {1, Double.NaN, 0}),
                        groups));
                assertMessage("one target per score", () -> loss.forward(scores, m.create(new double[] {1, 0}),
                        groups));
                assertMessage("one group id per score", () -> loss.forward(scores, targets, m.create(new long[] {0})));
                assertMessage("one logit per pair", () -> loss.forward(m.zeros(new Shape(3, 2), DataType.FLOAT64),
                        targets, groups));
                assertMessage("whole-number group ids", () -> loss.forward(scores, targets,
                        m.create(new double[] {0, 0, 0})));
                assertMessage("non-finite score", () -> loss.forward(m.create(new double[] {0, Double.NaN, 1}),
                        targets, groups));
                assertMessage("needs scores, targets and groups", () -> loss.forward(scores, null, groups));
                assertTrue(loss.toString().startsWith(name), loss.toString());
            }
            ListwiseCrossEntropyLoss listwise = new ListwiseCrossEntropyLoss();
            assertMessage("group 4 has 2", () -> listwise.forward(scores, m.create(new double[] {1, 1, 0}),
                    m.create(new long[] {4, 4, 4})));
            assertMessage("group 6 has 0", () -> listwise.forward(scores, m.create(new double[] {1, 0, 0}),
                    m.create(new long[] {5, 6, 6})));
            assertMessage("targets 1 (the positive) or 0", () -> listwise.forward(scores,
                    m.create(new double[] {1, 0.5, 0}), groups));
            assertMessage("targets in [0, 1]", () -> new BinaryCrossEntropyScoreLoss().forward(scores,
                    m.create(new double[] {1, 2, 0}), groups));
            assertMessage("has a single row", () -> new MarginMseScoreLoss().forward(scores, targets,
                    m.create(new long[] {1, 2, 3})));
        }
    }

    @Test
    void meaninglessSettingsAreRefused() {
        assertMessage("k >= 1", () -> LambdaLoss.builder().optK(0).build());
        assertMessage("sigma > 0", () -> RankNetLoss.builder().optSigma(0).build());
        assertMessage("pos_weight > 0", () -> BinaryCrossEntropyScoreLoss.builder().optPosWeight(-1.0).build());
        assertMessage("scale > 0", () -> ListwiseCrossEntropyLoss.builder().optScale(0).build());
        assertMessage("uses mu only with weighting_scheme ndcg_loss2pp", () -> LambdaLoss.builder()
                .optWeightingScheme(WeightingScheme.LAMBDA_RANK).optMu(3).build());
        assertMessage("has no distance setting", () -> LambdaLoss.builder()
                .optDistance(org.quaterion.distance.Distance.cosine()).build());
    }

    @Test
    void registryBuildsEachLossByNameWithSentenceTransformersDefaults() {
        ComponentRegistry registry = ComponentRegistry.discover();
        assertEquals(JsonParser.parseString("{\"weighting_scheme\":\"ndcg_loss2pp\",\"mu\":10.0,\"k\":null,"
                + "\"sigma\":1.0,\"eps\":1.0E-10,\"reduction_log\":\"binary\",\"activation_fn\":\"identity\"}"),
                registry.loss("lambda_loss", null).config());
        assertEquals(JsonParser.parseString("{\"activation_fn\":\"sigmoid\",\"scale\":10.0}"),
                registry.loss("listwise_cross_entropy", null).config());
        assertEquals(JsonParser.parseString("{\"activation_fn\":\"identity\",\"pos_weight\":null}"),
                registry.loss("binary_cross_entropy_score", null).config());
        JsonObject k3 = JsonParser.parseString("{\"k\": 3, \"reduction_log\": \"natural\"}").getAsJsonObject();
        assertEquals(RankNetLoss.builder().optK(3).optReductionLog(LogBase.NATURAL).build().config(),
                registry.loss("ranknet", k3).config());
        assertEquals(MarginMseScoreLoss.class, registry.loss("margin_mse_score", null).getClass());
    }

    @Test
    void scoredPairChecksItsFields() {
        ScoredPair<String, String> p = new ScoredPair<>("q", "d", 0.5, 3);
        assertEquals(3, p.group());
        assertEquals(0, ScoredPair.labelled("q", "d", 1).group());
        assertMessage("finite", () -> new ScoredPair<>("q", "d", Double.POSITIVE_INFINITY, 0));
        assertMessage("needs a query and a document", () -> new ScoredPair<>(null, "d", 1, 0));
        assertMessage("needs a query and a document", () -> new ScoredPair<>("q", null, 1, 0));
    }

    private static void assertMessage(String part, Runnable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::run);
        assertTrue(e.getMessage().contains(part), "message should contain '" + part + "': " + e.getMessage());
    }
}
