package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.pair.EmbeddingMseLoss;
import org.quaterion.loss.pair.MarginMseLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;

/** The distillation losses on hand-worked float64 cases (value and gradient), and what they refuse. */
class DistillationLossTest {

    private static final double EPS = 1e-12;
    private static final long[][] TWO_PAIRS = {{0, 2}, {1, 3}};

    /**
     * Pairs (a0, b0) with teacher t0 and (a1, b1) with t1, rows [a0, a1, b0, b1]:
     * a0 = (1, 2), a1 = (3, 0), b0 = (0, 1), b1 = (2, 2); t0 = (1, 0), t1 = (2, 1).
     * Differences s − t: a0 (0, 2), a1 (1, −1), b0 (−1, 1), b1 (0, 1); squares 0 + 4 + 1 + 1 + 1 + 1 + 0 + 1 = 9
     * over 8 values: L = 9 / 8 = 1.125. dL/ds = 2 (s − t) / 8 = (s − t) / 4:
     * a0 (0, 0.5), a1 (0.25, −0.25), b0 (−0.25, 0.25), b1 (0, 0.25).
     */
    @Test
    void embeddingMseIsTheMeanSquaredDifferenceOfBothMembersToTheTeacher() {
        double[][] e = {{1, 2}, {3, 0}, {0, 1}, {2, 2}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray teacher = m.create(new double[][] {{1, 0}, {2, 1}});
            LossHarness.Result r = LossHarness.run(m, e, x -> new EmbeddingMseLoss().forward(x, m.create(TWO_PAIRS),
                    m.create(new double[] {1, 1}), null, null, teacher, null), null);
            assertEquals(1.125, r.value(), EPS);
            assertArrayEquals(new double[] {0, 0.5, 0.25, -0.25, -0.25, 0.25, 0, 0.25}, r.grad(), EPS);
        }
    }

    /**
     * Pairs (q0, p0), (q1, p1) with negatives n0 of pair 0 and n1, n2 of pair 1, rows [q0, q1, p0, p1, n0, n1, n2]:
     * q0 = (1, 0), q1 = (0, 1), p0 = (1, 1), p1 = (2, 1), n0 = (0, 2), n1 = (1, 0), n2 = (1, 3); teacher margins
     * m = (2, 0.5, −1). Dot products: q0·p0 = 1, q0·n0 = 0, q1·p1 = 1, q1·n1 = 0, q1·n2 = 3, so the student's margins
     * are (1, 1, −2) and the errors e = (−1, 0.5, −1): L = (1 + 0.25 + 1) / 3 = 0.75. With g = 2e / 3 =
     * (−2/3, 1/3, −2/3) and margin_j = q·p − q·n_j: dL/dq = Σ g_j (p − n_j), dL/dp = Σ g_j q, dL/dn_j = −g_j q:
     * q0 = −2/3 (1, −1) = (−2/3, 2/3); q1 = 1/3 (1, 1) − 2/3 (1, −2) = (−1/3, 5/3); p0 = −2/3 (1, 0) = (−2/3, 0);
     * p1 = (1/3 − 2/3)(0, 1) = (0, −1/3); n0 = (2/3, 0); n1 = (0, −1/3); n2 = (0, 2/3).
     */
    @Test
    void marginMseRegressesTheStudentsDotProductMarginsOntoTheTeachers() {
        double[][] e = {{1, 0}, {0, 1}, {1, 1}, {2, 1}, {0, 2}, {1, 0}, {1, 3}};
        try (NDManager m = NDManager.newBaseManager()) {
            LossHarness.Result r = LossHarness.run(m, e, x -> new MarginMseLoss().forward(x, m.create(TWO_PAIRS),
                    m.create(new double[] {1, 1}), null, m.create(new long[][] {{0, 4}, {1, 5}, {1, 6}}), null,
                    m.create(new double[] {2, 0.5, -1})), null);
            assertEquals(0.75, r.value(), EPS);
            double t = 1.0 / 3;
            assertArrayEquals(new double[] {-2 * t, 2 * t, -t, 5 * t, -2 * t, 0, 0, -t, 2 * t, 0, 0, -t, 0, 2 * t},
                    r.grad(), EPS);
        }
    }

    /**
     * q = (1, 0), p = (2, 0), n = (0, 3), teacher margin 0.5. Dot product: 2 − 0 = 2, L = 1.5² = 2.25. Cosine:
     * 1 − 0 = 1, L = 0.5² = 0.25.
     */
    @Test
    void marginMseScoresWithTheConfiguredDistance() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(new double[][] {{1, 0}, {2, 0}, {0, 3}});
            NDArray pairs = m.create(new long[][] {{0, 1}});
            NDArray negatives = m.create(new long[][] {{0, 2}});
            NDArray margins = m.create(new double[] {0.5});
            assertEquals(2.25, new MarginMseLoss().forward(e, pairs, m.create(new double[] {1}), null, negatives,
                    null, margins).getDouble(), EPS);
            MarginMseLoss cosine = MarginMseLoss.builder().optDistance(Distance.cosine()).build();
            assertEquals(0.25, cosine.forward(e, pairs, m.create(new double[] {1}), null, negatives, null, margins)
                    .getDouble(), EPS);
            assertEquals("{\"distance\":{\"name\":\"cosine\",\"normalize\":true,\"scale\":1.0},\"reducer\":\"mean\"}",
                    cosine.config().toString());
        }
    }

    @Test
    void whatALossCannotUseIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(new double[][] {{1, 0}, {2, 0}, {0, 3}});
            NDArray pairs = m.create(new long[][] {{0, 1}});
            NDArray labels = m.create(new double[] {1});
            NDArray negatives = m.create(new long[][] {{0, 2}});
            NDArray margins = m.create(new double[] {0.5});
            NDArray teacher = m.create(new double[][] {{1, 1}});
            assertMessage("MultipleNegativesRankingLoss cannot use teacher margins, and the batch has them; use "
                    + "MarginMseLoss", () -> new MultipleNegativesRankingLoss().forward(e, pairs, labels, null,
                            negatives, null, margins));
            assertMessage("MarginMseLoss cannot use teacher embeddings", () -> new MarginMseLoss().forward(e, pairs,
                    labels, null, negatives, teacher, margins));
            assertMessage("MarginMseLoss needs explicit negatives with teacher margins", () -> new MarginMseLoss()
                    .forward(e, pairs, labels, null, negatives));
            assertMessage("EmbeddingMseLoss cannot use explicit negatives", () -> new EmbeddingMseLoss().forward(e,
                    pairs, labels, null, negatives, teacher, null));
            NDArray twoRows = m.create(new double[][] {{1, 0}, {2, 0}});
            assertMessage("EmbeddingMseLoss needs a teacher embedding on every pair", () -> new EmbeddingMseLoss()
                    .forward(twoRows, pairs, labels, null));
            assertMessage("the teacher embeddings have 3 values but the model's embeddings 2", () ->
                    new EmbeddingMseLoss().forward(twoRows, pairs, labels, null, null, m.create(new double[][] {{1,
                        2, 3}}), null));
            assertMessage("teacher margins must be (k) = (1), one per explicit negative", () -> new MarginMseLoss()
                    .forward(e, pairs, labels, null, negatives, null, m.create(new double[] {1, 2})));
            assertMessage("teacher embeddings contain NaN", () -> new EmbeddingMseLoss().forward(twoRows, pairs,
                    labels, null, null, m.create(new double[][] {{Double.NaN, 1}}), null));
            assertTrue(new EmbeddingMseLoss().usesTeacherEmbeddings());
            assertEquals(DataType.FLOAT64, e.getDataType());
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
