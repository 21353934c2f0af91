package org.quaterion.rerank.pairwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TopNMergeTest {

    private static final double E = TopNMerge.EPS;

    @Test
    void reordersTheTopAndKeepsTheRestAsOmlsFirstExample() {
        long[] out = new long[5];
        double[] d = new double[5];
        TopNMerge.merge(new long[] {3, 2, 1, 0, 4}, new double[] {0.1, 0.2, 0.5, 0.6, 0.7},
                new double[] {0.4, 0.2, 0.3}, out, d);
        assertArrayEquals(new long[] {2, 1, 3, 0, 4}, out);
        assertArrayEquals(new double[] {0.2, 0.3, 0.4, 0.6, 0.7}, d, 0);
    }

    @Test
    void scalesTheTopBelowTheFirstKeptDistanceAsOmlsSecondExample() {
        long[] out = new long[5];
        double[] d = new double[5];
        TopNMerge.merge(new long[] {0, 1, 2, 3, 4}, new double[] {0.1, 0.2, 0.3, 0.5, 0.6}, new double[] {1, 2, 5},
                out, d);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, out);
        // scale 0.5 / 5 = 0.1, then the gap of 1000 float epsilons
        assertArrayEquals(new double[] {0.1 - E, 0.2 - E, 0.5 - E, 0.5, 0.6}, d, 1e-12);
    }

    @Test
    void shiftsInsteadOfScalingWhenTheFirstKeptDistanceIsNotPositive() {
        long[] out = new long[4];
        double[] d = new double[4];
        TopNMerge.merge(new long[] {7, 8, 9, 6}, new double[] {-0.9, -0.8, -0.5, -0.4}, new double[] {0.5, 0.25},
                out, d);
        assertArrayEquals(new long[] {8, 7, 9, 6}, out);
        // shifted by 0.5 − (−0.5) = 1, and the gap
        assertArrayEquals(new double[] {-0.75 - E, -0.5 - E, -0.5, -0.4}, d, 1e-12);
    }

    @Test
    void keepsTiesInTheFirstStageOrderAndLeavesMissingItemsAtTheEnd() {
        long[] ids = {4, 5, 6, -1};
        long[] out = new long[4];
        double[] d = new double[4];
        assertEquals(3, TopNMerge.valid(ids, 10));
        TopNMerge.merge(ids, new double[] {0.1, 0.2, 0.3, Double.POSITIVE_INFINITY}, new double[] {0.5, 0.1, 0.5},
                out, d);
        assertArrayEquals(new long[] {5, 4, 6, -1}, out);
        assertArrayEquals(new double[] {0.1, 0.5, 0.5, Double.POSITIVE_INFINITY}, d, 0);
    }
}
