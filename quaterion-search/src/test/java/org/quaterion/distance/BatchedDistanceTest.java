package org.quaterion.distance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocked distances equal the whole matrix, per block, per row reduction and in gradient. */
class BatchedDistanceTest {

    private static final List<Distance> DISTANCES = List.of(Distance.cosine(), Distance.dotProduct(),
            Distance.euclidean().normalized(), Distance.squaredEuclidean(), Distance.manhattan(), Distance.snr(),
            Distance.snr().normalized().scaled(2));

    /**
     * The tolerance of a distance: a row against itself has a Euclidean distance of sqrt(rounding noise of
     * ‖x‖² + ‖y‖² − 2x·y), up to ~1.5e-8, whether the matrix is whole or blocked (a block compares its rows with
     * the whole set as a different set); every other entry and distance agrees to rounding.
     */
    private static double tolerance(Distance d) {
        return d.kind() == Distance.Kind.EUCLIDEAN ? 1e-7 : 1e-12;
    }

    @Test
    void blocksAreTheRowsOfTheWholeMatrix() {
        double[][] x = SnrDistanceTest.gaussian(5, 11, 6);
        double[][] y = SnrDistanceTest.gaussian(6, 7, 6);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(x);
            NDArray ya = m.create(y);
            for (Distance d : DISTANCES) {
                for (NDArray ref : new NDArray[] {null, ya}) {
                    double[] whole = d.matrix(xa, ref == null ? xa : ref).toDoubleArray();
                    for (int rows : new int[] {1, 3, 4, 11, 32}) {
                        List<double[]> blocks = new ArrayList<>();
                        List<long[]> bounds = new ArrayList<>();
                        new BatchedDistance(d, rows).forEachBlock(xa, ref, (block, start, end) -> {
                            blocks.add(block.toDoubleArray());
                            bounds.add(new long[] {start, end});
                        });
                        double[] joined = blocks.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
                        assertArrayEquals(whole, joined, tolerance(d), d + " in blocks of " + rows);
                        assertEquals(0, bounds.get(0)[0]);
                        assertEquals(11, bounds.get(bounds.size() - 1)[1]);
                        assertEquals((11 + rows - 1) / rows, blocks.size());
                    }
                }
            }
        }
    }

    @Test
    void aPerRowReductionAndItsGradientEqualTheWholeMatrixs() {
        double[][] x = SnrDistanceTest.gaussian(7, 9, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Distance d : DISTANCES) {
                NDArray e1 = m.create(x);
                e1.setRequiresGradient(true);
                double wholeValue;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray v = d.matrix(e1).neg().exp().sum(new int[] {1}).log().sum();
                    wholeValue = v.getDouble();
                    gc.backward(v);
                }
                NDArray e2 = m.create(x);
                e2.setRequiresGradient(true);
                double blockedValue;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray perRow = new BatchedDistance(d, 2).mapBlocks(e2, null,
                            (block, start, end) -> block.neg().exp().sum(new int[] {1}));
                    NDArray v = perRow.log().sum();
                    blockedValue = v.getDouble();
                    gc.backward(v);
                }
                assertEquals(wholeValue, blockedValue, 1e-12 * Math.abs(wholeValue), d.toString());
                assertArrayEquals(e1.getGradient().toDoubleArray(), e2.getGradient().toDoubleArray(), tolerance(d),
                        d + " gradient");
            }
        }
    }

    @Test
    void nearestNeighboursByBlocks() {
        double[][] x = SnrDistanceTest.gaussian(8, 13, 4);
        double[][] y = SnrDistanceTest.gaussian(9, 10, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            Distance d = Distance.euclidean();
            NDArray whole = d.matrix(m.create(x), m.create(y)).argMin(1);
            NDArray blocked = new BatchedDistance(d, 4).mapBlocks(m.create(x), m.create(y),
                    (block, start, end) -> block.argMin(1));
            assertArrayEquals(whole.toLongArray(), blocked.toLongArray());
            NDArray rows = new BatchedDistance(d, 5).mapBlocks(m.create(x), null,
                    (block, start, end) -> block.get(new NDIndex(":, 0")));
            assertEquals(13, rows.getShape().get(0));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BatchedDistance(Distance.cosine(), 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchedDistance(null, 4));
    }
}
