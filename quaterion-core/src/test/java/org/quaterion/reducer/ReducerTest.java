package org.quaterion.reducer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.quaterion.models.tensor.Scalars;

class ReducerTest {

    @Test
    void reducersFollowPmlSemantics() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray losses = m.create(new double[] {0, 1, 2, -1, 3});
            NDArray zero = m.create(0.0);
            assertEquals(1.0, new MeanReducer().reduce(losses, zero).getDouble(), 1e-15);
            assertEquals(2.0, new AvgNonZeroReducer().reduce(losses, zero).getDouble(), 1e-15);
            assertEquals(5.0, new SumReducer().reduce(losses, zero).getDouble(), 1e-15);
            assertEquals(1.5, ThresholdReducer.of(0.5, 2.5).reduce(losses, zero).getDouble(), 1e-15);
            assertEquals(0.0, ThresholdReducer.of(null, 1.5).reduce(losses, zero).getDouble(), 1e-15,
                    "mean of 0, 1 and -1");
        }
    }

    @Test
    void blockwiseAccumulationEqualsOneShot() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new double[] {0, 0.5, 2});
            NDArray b = m.create(new double[] {0, 3});
            NDArray zero = m.create(0.0);
            for (Reducer r : new Reducer[] {new MeanReducer(), new AvgNonZeroReducer(), new SumReducer(),
                    ThresholdReducer.of(0.1, 2.5)}) {
                double blocks = r.finish(r.accumulate(a).plus(r.accumulate(b)), zero).getDouble();
                double once = r.reduce(m.create(new double[] {0, 0.5, 2, 0, 3}), zero).getDouble();
                assertEquals(once, blocks, 1e-15, r.name());
            }
        }
    }

    @Test
    void nothingToReduceGivesTheConnectedZero() {
        Reducer[] reducers = {new MeanReducer(), new SumReducer(), new AvgNonZeroReducer(),
            ThresholdReducer.of(0.5, 2.5)};
        for (Reducer reducer : reducers) {
            for (boolean empty : new boolean[] {true, false}) {
                String what = reducer.name() + (empty ? " of no losses" : " of losses none of which counts");
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray embeddings = m.create(new double[][] {{1, -2, 3}, {0.5, 4, -1}});
                    embeddings.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray zero = Scalars.mul(embeddings.sum(), 0); // as a loss builds it
                        NDArray losses = empty ? m.create(new double[0])
                                : Scalars.mul(embeddings.sum(new int[] {1}), 0);
                        NDArray reduced = reducer.reduce(losses, zero);
                        assertEquals(0.0, reduced.getDouble(), 0.0, what);
                        // a fresh constant has no graph: backward through it fails
                        assertDoesNotThrow(() -> gc.backward(reduced), what + " must stay connected to the graph");
                    }
                    for (double g : embeddings.getGradient().toDoubleArray()) {
                        assertEquals(0.0, g, 0.0, what + ": a finite zero gradient on the embeddings");
                    }
                }
            }
        }
    }

    @Test
    void thresholdBoundsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> ThresholdReducer.of(2.0, 1.0));
    }
}
