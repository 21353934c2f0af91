package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;

/** MatryoshkaLoss against the formulas written out in Java (float64): value, and gradient by central differences. */
class MatryoshkaLossTest {

    private static final int[] DIMS = {8, 4, 2};
    private static final double[] WEIGHTS = {1, 0.5, 0.25};

    private static double[][] data(int n, int d, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return x;
    }

    /** PML's ContrastiveLoss (Euclidean, margins 0 and 1, AvgNonZero per part) on the first k columns. */
    private static double contrastive(double[][] x, long[] labels, int k) {
        double posSum = 0;
        double negSum = 0;
        int posCount = 0;
        int negCount = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                if (i == j) {
                    continue;
                }
                double s = 0;
                for (int c = 0; c < k; c++) {
                    s += (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]);
                }
                double dist = Math.sqrt(s);
                if (labels[i] == labels[j]) {
                    double l = Math.max(dist, 0);
                    posSum += l;
                    posCount += l > 0 ? 1 : 0;
                } else {
                    double l = Math.max(1 - dist, 0);
                    negSum += l;
                    negCount += l > 0 ? 1 : 0;
                }
            }
        }
        return (posCount > 0 ? posSum / posCount : 0) + (negCount > 0 ? negSum / negCount : 0);
    }

    /** Quaterion's MultipleNegativesRankingLoss (cosine, scale 20) for pairs (i, i + n/2), first k columns. */
    private static double mnr(double[][] x, int k) {
        int n = x.length / 2;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] logits = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int c = 0; c < k; c++) {
                    dot += x[i][c] * x[n + j][c];
                    na += x[i][c] * x[i][c];
                    nb += x[n + j][c] * x[n + j][c];
                }
                logits[j] = 20 * dot / Math.sqrt(na * nb);
                max = Math.max(max, logits[j]);
            }
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            total += -(logits[i] - max - Math.log(z));
        }
        return total / n;
    }

    private static double weighted(ToDoubleFunction<Integer> level) {
        double total = 0;
        for (int i = 0; i < DIMS.length; i++) {
            total += WEIGHTS[i] * level.applyAsDouble(DIMS[i]);
        }
        return total;
    }

    private interface Loss {
        NDArray apply(NDArray embeddings, NDManager manager);
    }

    private static void check(double[][] x, Loss loss, ToDoubleFunction<double[][]> reference, String what) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray e = manager.create(x).toType(DataType.FLOAT64, false);
            e.setRequiresGradient(true);
            double value;
            double[] grad;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray v = loss.apply(e, manager);
                collector.backward(v);
                value = v.getDouble();
                grad = e.getGradient().toDoubleArray();
            }
            double expected = reference.applyAsDouble(x);
            assertEquals(expected, value, 1e-12 * Math.max(1, Math.abs(expected)), what + " value");
            int d = x[0].length;
            double h = 1e-6;
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < d; j++) {
                    double[][] plus = copy(x);
                    double[][] minus = copy(x);
                    plus[i][j] += h;
                    minus[i][j] -= h;
                    double numeric = (reference.applyAsDouble(plus) - reference.applyAsDouble(minus)) / (2 * h);
                    assertEquals(numeric, grad[i * d + j], 1e-6 * Math.max(1, Math.abs(numeric)),
                            what + " gradient [" + i + "][" + j + "]");
                }
            }
        }
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    @Test
    void aGroupLossOnEveryPrefixMatchesTheWeightedSumOfItsFormula() {
        long[] labels = {0, 0, 1, 1, 2, 2, 0, 1};
        GroupLoss loss = MatryoshkaLoss.of(ContrastiveLoss.builder().optDistance(Distance.euclidean()).build(), DIMS,
                WEIGHTS);
        check(data(8, 8, 3), (e, m) -> loss.forward(e, m.create(labels)),
                x -> weighted(k -> contrastive(x, labels, k)), "contrastive");
    }

    @Test
    void aPairLossOnEveryPrefixMatchesTheWeightedSumOfItsFormula() {
        PairwiseLoss loss = MatryoshkaLoss.of(new MultipleNegativesRankingLoss(), DIMS, WEIGHTS);
        check(data(6, 8, 4), (e, m) -> loss.forward(e, m.create(new long[] {0, 3, 1, 4, 2, 5}, new Shape(3, 2)),
                m.ones(new Shape(3)), null), x -> weighted(k -> mnr(x, k)), "mnr");
    }

    @Test
    void badLevelsAndClassWeightLossesAreRefused() {
        GroupLoss inner = new TripletMarginLoss(0.2);
        assertThrows(IllegalArgumentException.class, () -> MatryoshkaLoss.of(inner, new int[] {4, 8}, null));
        assertThrows(IllegalArgumentException.class, () -> MatryoshkaLoss.of(inner, new int[] {8, 4}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> MatryoshkaLoss.of(inner, new int[] {8}, new double[] {0}));
        IllegalArgumentException arc = assertThrows(IllegalArgumentException.class, () -> MatryoshkaLoss.of(
                ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(8).build(), DIMS, null));
        assertTrue(arc.getMessage().contains("class weights"), arc.getMessage());
        assertEquals(64, MatryoshkaLoss.halvings(256, 3)[2]);
        GroupLoss tooWide = MatryoshkaLoss.of(inner, new int[] {16, 8}, null);
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                    () -> tooWide.forward(m.randomNormal(new Shape(4, 8)), m.create(new long[] {0, 0, 1, 1})));
            assertTrue(wide.getMessage().contains("dims[0] <= 8"), wide.getMessage());
        }
    }
}
