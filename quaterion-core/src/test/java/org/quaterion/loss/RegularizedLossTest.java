package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.loss.pair.CoSENTLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;

/**
 * Regularizers against their formulas written out in Java (float64): {@code loss + a · mean ‖e‖_p^power + b · mean
 * ‖W_c‖_p^power}; gradients by central differences; the class-weight term reaches the weights' gradient.
 */
class RegularizedLossTest {

    private static double lp(double[][] rows, int p, double power) {
        double total = 0;
        for (double[] r : rows) {
            double s = 0;
            for (double v : r) {
                s += Math.pow(Math.abs(v), p);
            }
            total += Math.pow(Math.pow(s, 1.0 / p), power);
        }
        return total / rows.length;
    }

    @Test
    void embeddingRegularizerOnAGroupAndAPairLoss() {
        double[][] e = Brute.rows(21, 8, 5);
        long[] groups = Brute.cyclicLabels(8, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (LpRegularizer reg : new LpRegularizer[] {LpRegularizer.defaults(), new LpRegularizer(1, 2),
                new LpRegularizer(2, 0.5)}) {
                GroupLoss plain = new ContrastiveLoss();
                GroupLoss wrapped = RegularizedLoss.of(new ContrastiveLoss(), RegularizedLoss.Terms.embeddings(reg, 0.3));
                Function<NDArray, NDArray> f = x -> wrapped.forward(x, x.getManager().create(groups));
                LossHarness.Result r = LossHarness.run(m, e, f, null);
                double base = plain.forward(m.create(e), m.create(groups)).getDouble();
                double expected = base + 0.3 * lp(e, reg.p(), reg.power());
                assertEquals(expected, r.value(), 1e-9 * Math.abs(expected), reg.toString());
                double[] numeric = LossHarness.finiteDifference(m, e, f, 1e-6);
                assertTrue(LossHarness.maxAbsDiff(r.grad(), numeric) < 1e-6 * Math.max(1, LossHarness.maxAbs(numeric)),
                        "gradient " + reg);
            }
            PairwiseLoss mnr = RegularizedLoss.of(new MultipleNegativesRankingLoss(),
                    RegularizedLoss.Terms.embeddings(LpRegularizer.defaults(), 2));
            NDArray x = m.create(e);
            NDArray pairs = m.create(new long[][] {{0, 4}, {1, 5}, {2, 6}, {3, 7}});
            NDArray labels = m.create(new double[] {1, 1, 1, 1});
            double base = new MultipleNegativesRankingLoss().forward(x, pairs, labels, null).getDouble();
            assertEquals(base + 2 * lp(e, 2, 1), mnr.forward(x, pairs, labels, null).getDouble(), 1e-12);
            assertTrue(mnr.config().getAsJsonObject("embedding_regularizer").get("weight").getAsDouble() == 2,
                    mnr.config().toString());
        }
    }

    @Test
    void weightRegularizerReachesTheClassWeights() {
        double[][] e = Brute.rows(22, 6, 4);
        long[] labels = Brute.cyclicLabels(6, 3);
        double[][] w = Brute.rows(23, 3, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            ArcFaceLoss plain = ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).build();
            ArcFaceLoss inner = ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).build();
            plain.setWeights(m, w, DataType.FLOAT64);
            inner.setWeights(m, w, DataType.FLOAT64);
            GroupLoss wrapped = RegularizedLoss.of(inner, RegularizedLoss.Terms.weights(new LpRegularizer(2, 2), 0.5));
            assertEquals(inner.parameters().size(), wrapped.parameters().size());
            NDArray weights = inner.weights().getArray();
            LossHarness.Result r = LossHarness.run(m, e, x -> wrapped.forward(x, x.getManager().create(labels)),
                    weights);
            double base = plain.forward(m.create(e), m.create(labels)).getDouble();
            assertEquals(base + 0.5 * lp(w, 2, 2), r.value(), 1e-9 * Math.abs(r.value()));
            // d/dW of 0.5 · mean_c ‖W_c‖² is W / C; the rest is the plain loss's gradient
            LossHarness.Result p = LossHarness.run(m, e, x -> plain.forward(x, x.getManager().create(labels)),
                    plain.weights().getArray());
            for (int i = 0; i < 12; i++) {
                assertEquals(p.weightGrad()[i] + w[i / 4][i % 4] / 3, r.weightGrad()[i], 1e-9, "weight " + i);
            }
        }
    }

    @Test
    void aWeightRegularizerNeedsClassWeightsAndSettingsAreChecked() {
        IllegalArgumentException noWeights = assertThrows(IllegalArgumentException.class,
                () -> RegularizedLoss.of(new ContrastiveLoss(), RegularizedLoss.Terms.weights(LpRegularizer.defaults(),
                        1)));
        assertTrue(noWeights.getMessage().contains("no class weights"), noWeights.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegularizedLoss.of(new CoSENTLoss(),
                RegularizedLoss.Terms.weights(LpRegularizer.defaults(), 1)));
        assertThrows(IllegalArgumentException.class, () -> new LpRegularizer(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LpRegularizer(2, 0));
        assertThrows(IllegalArgumentException.class, () -> RegularizedLoss.Terms.embeddings(LpRegularizer.defaults(),
                -1));
        assertThrows(IllegalArgumentException.class, () -> new RegularizedLoss.Terms(null, 0, null, 0));
    }
}
