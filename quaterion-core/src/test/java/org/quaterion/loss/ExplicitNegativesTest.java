package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.loss.pair.CoSENTLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.loss.pair.PairContrastiveLoss;

/**
 * Pair losses with explicit (mined) negatives: MultipleNegativesRankingLoss ranks each query's positive among the
 * batch's positives and negatives (value against the formula in Java, float64, and gradient against central
 * differences); PairContrastiveLoss takes them as dissimilar pairs; any other pair loss refuses them.
 */
class ExplicitNegativesTest {

    private static final int N = 3;
    /** (pair, row) of each negative: pair 0 has two, pair 2 one, pair 1 none. */
    private static final long[][] NEGATIVES = {{0, 6}, {0, 7}, {2, 8}};

    /** sentence-transformers' MNR (cosine, scale s) with the negatives as shared extra candidates. */
    private static double mnr(double[][] e, double scale, boolean symmetric) {
        double total = 0;
        double back = 0;
        for (int i = 0; i < N; i++) {
            double[] logits = new double[N + NEGATIVES.length];
            for (int j = 0; j < N; j++) {
                logits[j] = scale * (1 - Brute.cosineDistance(e[i], e[N + j]));
            }
            for (int k = 0; k < NEGATIVES.length; k++) {
                logits[N + k] = scale * (1 - Brute.cosineDistance(e[i], e[(int) NEGATIVES[k][1]]));
            }
            total += logSumExp(logits) - logits[i];
            double[] column = new double[N]; // positive i ranking the queries
            for (int j = 0; j < N; j++) {
                column[j] = scale * (1 - Brute.cosineDistance(e[j], e[N + i]));
            }
            back += logSumExp(column) - column[i];
        }
        return symmetric ? (total / N + back / N) / 2 : total / N;
    }

    private static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s);
    }

    private static NDArray call(PairwiseLoss loss, NDArray e, long[][] negatives) {
        NDManager m = e.getManager();
        return loss.forward(e, m.create(new long[][] {{0, 3}, {1, 4}, {2, 5}}), m.create(new double[] {1, 1, 1}),
                null, negatives == null ? null : m.create(negatives));
    }

    @Test
    void multipleNegativesRankingUsesTheNegativesAsCandidates() {
        double[][] e = Brute.rows(11, 2 * N + NEGATIVES.length, 5);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (boolean symmetric : new boolean[] {false, true}) {
                MultipleNegativesRankingLoss loss = MultipleNegativesRankingLoss.builder().optScale(7)
                        .optSymmetric(symmetric).build();
                Function<NDArray, NDArray> f = x -> call(loss, x, NEGATIVES);
                LossHarness.Result r = LossHarness.run(manager, e, f, null);
                double expected = mnr(e, 7, symmetric);
                assertEquals(expected, r.value(), 1e-9 * Math.abs(expected), "symmetric " + symmetric);
                double[] numeric = LossHarness.finiteDifference(manager, e, f, 1e-6);
                assertTrue(LossHarness.maxAbsDiff(r.grad(), numeric) < 1e-6 * Math.max(1,
                        LossHarness.maxAbs(numeric)), "gradient, symmetric " + symmetric);
                // the negatives matter: without them the value is the plain in-batch loss, which is smaller
                double plain = call(loss, manager.create(e), null).getDouble();
                assertTrue(plain < r.value(), "negatives add candidates: " + plain + " vs " + r.value());
            }
        }
    }

    @Test
    void pairContrastiveTakesNegativesAsDissimilarPairs() {
        double[][] e = Brute.rows(12, 2 * N + NEGATIVES.length, 4);
        try (NDManager manager = NDManager.newBaseManager()) {
            PairContrastiveLoss loss = new PairContrastiveLoss();
            NDArray x = manager.create(e);
            double withNegatives = call(loss, x, NEGATIVES).getDouble();
            long[][] expanded = {{0, 3}, {1, 4}, {2, 5}, {0, 6}, {0, 7}, {2, 8}};
            double asPairs = loss.forward(x, manager.create(expanded), manager.create(new double[] {1, 1, 1, 0, 0, 0}),
                    null).getDouble();
            assertEquals(asPairs, withNegatives, 1e-12);
        }
    }

    @Test
    void aLossThatCannotUseNegativesRefusesThem() {
        double[][] e = Brute.rows(13, 2 * N + NEGATIVES.length, 4);
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> call(new CoSENTLoss(), manager.create(e), NEGATIVES));
            assertTrue(error.getMessage().contains("cannot use explicit negatives"), error.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> call(new MultipleNegativesRankingLoss(), manager.create(e), new long[][] {{0, 9}}));
            assertTrue(range.getMessage().contains("rows in [0, 9)"), range.getMessage());
        }
    }
}
