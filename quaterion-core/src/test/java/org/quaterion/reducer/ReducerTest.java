package org.quaterion.reducer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

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
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zero = m.create(0.0);
            NDArray allZero = m.create(new double[] {0, 0});
            assertEquals(0.0, new AvgNonZeroReducer().reduce(allZero, zero).getDouble());
            assertEquals(0.0, new MeanReducer().reduce(m.create(new double[0]), zero).getDouble());
            assertThrows(IllegalArgumentException.class, () -> ThresholdReducer.of(2.0, 1.0));
        }
    }
}
