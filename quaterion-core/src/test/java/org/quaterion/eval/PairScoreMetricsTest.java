package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

/** Hand-computed pair-score metrics; Spearman values from {@code scipy.stats.spearmanr}. */
class PairScoreMetricsTest {

    private static final double[] SIM = {0.9, 0.8, 0.7, 0.6};
    private static final double[] BINARY = {1, 0, 1, 0};

    @Test
    void rocAucCountsOrderedPairsAndHalfTies() {
        // positives 0.9, 0.7 vs negatives 0.8, 0.6: 3 of 4 ordered correctly
        assertEquals(0.75, PairScoreMetrics.of(SIM, BINARY).rocAuc(), 1e-12);
        assertEquals(0.5, PairScoreMetrics.of(new double[] {0.5, 0.5}, new double[] {1, 0}).rocAuc(), 1e-12);
        assertEquals(1.0, PairScoreMetrics.of(new double[] {0.1, 0.2, 0.9}, new double[] {0, 0, 1}).rocAuc(), 1e-12);
        // one positive tied with one of two negatives: (1 + 0.5) / 2
        assertEquals(0.75, PairScoreMetrics.of(new double[] {0.5, 0.5, 0.1}, new double[] {1, 0, 0}).rocAuc(), 1e-12);
    }

    @Test
    void bestThresholds() {
        PairScoreMetrics m = PairScoreMetrics.of(SIM, BINARY);
        // similar when >= 0.85: TP 1, TN 2 → 0.75 (the later tie at >= 0.65 does not replace it)
        assertEquals(new PairScoreMetrics.Best(0.75, 0.85), round(m.bestAccuracy()));
        // similar when >= 0.65: TP 2, FP 1 → F1 = 4 / 5
        assertEquals(new PairScoreMetrics.Best(0.8, 0.65), round(m.bestF1()));
        // tied similarities switch together: {0.5 (1), 0.5 (0)} cannot be split
        PairScoreMetrics tied = PairScoreMetrics.of(new double[] {0.5, 0.5, 0.1}, new double[] {1, 0, 0});
        assertEquals(2.0 / 3, tied.bestAccuracy().value(), 1e-12);
        assertEquals(2.0 / 3, tied.bestF1().value(), 1e-12);
    }

    private static PairScoreMetrics.Best round(PairScoreMetrics.Best b) {
        return new PairScoreMetrics.Best(Math.round(b.value() * 1e9) / 1e9, Math.round(b.threshold() * 1e9) / 1e9);
    }

    @Test
    void spearmanMatchesScipy() {
        assertEquals(0.9486832980505139, PairScoreMetrics.of(new double[] {1, 2, 2, 3},
                new double[] {1, 2, 3, 4}).spearman(), 1e-12);
        assertEquals(0.8, PairScoreMetrics.of(new double[] {0.9, 0.8, 0.7, 0.6, 0.5},
                new double[] {1.0, 0.5, 0.75, 0.0, 0.25}).spearman(), 1e-12);
    }

    @Test
    void fromEmbeddings() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] a = {{1, 0}, {0, 1}, {1, 1}};
            double[][] b = {{1, 0.1}, {1, 0}, {-1, -1}};
            PairScoreMetrics metrics = PairScoreMetrics.of(m.create(a), m.create(b), Distance.cosine(),
                    new double[] {1, 0, 0});
            assertEquals(1.0, metrics.rocAuc(), 1e-12);
            assertTrue(metrics.bestAccuracy().threshold() > 0 && metrics.bestAccuracy().threshold() < 1);
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> PairScoreMetrics.of(new double[] {1}, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> PairScoreMetrics.of(new double[0], new double[0]));
        assertThrows(IllegalArgumentException.class,
                () -> PairScoreMetrics.of(new double[] {Double.NaN}, new double[] {1}));
        IllegalArgumentException graded = assertThrows(IllegalArgumentException.class,
                () -> PairScoreMetrics.of(SIM, new double[] {0.5, 0, 1, 0}).rocAuc());
        assertTrue(graded.getMessage().contains("binary"), graded.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PairScoreMetrics.of(SIM, new double[] {1, 1, 1, 1}).rocAuc());
        assertThrows(IllegalArgumentException.class,
                () -> PairScoreMetrics.of(SIM, new double[] {1, 1, 1, 1}).spearman());
    }
}
