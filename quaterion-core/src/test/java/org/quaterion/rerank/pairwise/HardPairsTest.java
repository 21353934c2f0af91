package org.quaterion.rerank.pairwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

class HardPairsTest {

    /** Unit vectors at 0°, 10°, 20° (class 0), 25°, 90° (class 1) and 180° (class 2). */
    private static NDArray byAngle(NDManager manager) {
        double[] degrees = {0, 10, 20, 25, 90, 180};
        float[] xy = new float[degrees.length * 2];
        for (int i = 0; i < degrees.length; i++) {
            xy[2 * i] = (float) Math.cos(Math.toRadians(degrees[i]));
            xy[2 * i + 1] = (float) Math.sin(Math.toRadians(degrees[i]));
        }
        return manager.create(xy, new Shape(degrees.length, 2));
    }

    private static final long[] LABELS = {0, 0, 0, 1, 1, 2};

    @Test
    void pairsEachRowWithItsNearestAndItsNearestOfOtherClasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            HardPairs pairs = HardPairs.mine(byAngle(manager), LABELS, 1, 2, Distance.cosine());
            // 0°: nearest 10° (same class); nearest of other classes 25° and 90°
            assertArrayEquals(new int[] {0, 0, 0}, java.util.Arrays.copyOfRange(pairs.left(), 0, 3));
            assertArrayEquals(new int[] {1, 3, 4}, java.util.Arrays.copyOfRange(pairs.right(), 0, 3));
            assertArrayEquals(new float[] {1, 0, 0}, java.util.Arrays.copyOfRange(pairs.target(), 0, 3));
            // 25°: its nearest is 20° (class 0, a negative); of its two nearest other-class items, 20° and 10°,
            // only 10° is added
            int first = indexOfLeft(pairs, 3);
            assertEquals(2, pairs.right()[first]);
            assertEquals(1, pairs.right()[first + 1]);
            assertEquals(0f, pairs.target()[first + 1]);
            assertTrue(first + 2 == pairs.size() || pairs.left()[first + 2] != 3, "20° is not paired twice");
            for (int i = 0; i < pairs.size(); i++) {
                assertEquals(LABELS[pairs.left()[i]] == LABELS[pairs.right()[i]] ? 1f : 0f, pairs.target()[i]);
            }
        }
    }

    @Test
    void topKOnlyKeepsTheFirstStagesNeighbours() {
        try (NDManager manager = NDManager.newBaseManager()) {
            HardPairs pairs = HardPairs.mine(byAngle(manager), LABELS, 2, Distance.cosine());
            assertEquals(12, pairs.size());
            // 180°'s two nearest: 90° and 25°, both of other classes
            assertArrayEquals(new int[] {4, 3}, java.util.Arrays.copyOfRange(pairs.right(), 10, 12));
            assertEquals(0, pairs.target()[10] + pairs.target()[11]);
        }
    }

    @Test
    void refusesBadCountsAndLabels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = byAngle(manager);
            assertThrows(IllegalArgumentException.class, () -> HardPairs.mine(x, LABELS, 6, Distance.cosine()));
            assertThrows(IllegalArgumentException.class, () -> HardPairs.mine(x, LABELS, 1, -1, Distance.cosine()));
            assertThrows(IllegalArgumentException.class, () -> HardPairs.mine(x, new long[2], 1, Distance.cosine()));
            assertThrows(IllegalArgumentException.class, () -> new HardPairs(new int[1], new int[2], new float[1]));
        }
    }

    private static int indexOfLeft(HardPairs pairs, int row) {
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.left()[i] == row) {
                return i;
            }
        }
        throw new AssertionError("no pair for row " + row);
    }
}
