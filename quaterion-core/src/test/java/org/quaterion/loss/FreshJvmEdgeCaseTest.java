package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edge cases whose failure was seen only in some fresh JVMs (NT-Xent with a single class: value 0 but a NaN gradient
 * in about 5% of them): each runs first thing in several new processes.
 */
class FreshJvmEdgeCaseTest {

    private static final int FORKS = 4;

    /**
     * The child process: NT-Xent on one class, float64; prints the value and the largest |gradient|.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager()) {
            NTXentLoss loss = new NTXentLoss(0.07);
            loss.initialize(m, DataType.FLOAT64);
            LossHarness.Result r = LossHarness.run(m, Brute.rows(7, 6, 4),
                    e -> loss.forward(e, e.getManager().create(new long[] {1, 1, 1, 1, 1, 1})), null);
            double worst = 0;
            for (double g : r.grad()) {
                worst = Double.isFinite(g) ? Math.max(worst, Math.abs(g)) : Double.NaN;
                if (Double.isNaN(worst)) {
                    break;
                }
            }
            System.out.println("RESULT " + r.value() + " " + worst);
        }
    }

    @Test
    void ntXentWithOneClassHasAZeroGradientInEveryFreshJvm() throws Exception {
        for (int fork = 0; fork < FORKS; fork++) {
            String result = org.quaterion.ForkedJvm.resultLine(getClass(), "RESULT ");
            List<String> parts = List.of(result.split(" "));
            assertEquals(0.0, Double.parseDouble(parts.get(1)), 0.0, "fork " + fork + ": value");
            assertEquals(0.0, Double.parseDouble(parts.get(2)), 0.0, "fork " + fork + ": largest |gradient|");
        }
        System.out.println("FreshJvmEdgeCaseTest: NT-Xent one class checked in " + FORKS + " fresh JVMs");
    }
}
