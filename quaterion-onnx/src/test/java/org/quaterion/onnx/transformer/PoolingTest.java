package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Pooling by hand: token states 1-2 / 3-4 / 5-6 for three positions. */
class PoolingTest {

    @Test
    void poolsUnderTheMaskWithRightAndLeftPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray states = m.create(new float[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, new Shape(2, 3, 2));
            NDArray mask = m.create(new long[] {1, 1, 0, 0, 1, 1}, new Shape(2, 3)); // right, then left padding
            assertArrayEquals(new float[] {3, 4, 5, 6}, Pooling.LAST.pool(states, mask).toFloatArray(),
                    "the last masked position: 1 with right padding, 2 with left padding");
            assertArrayEquals(new float[] {2, 3, 4, 5}, Pooling.MEAN.pool(states, mask).toFloatArray(),
                    "(1+3)/2, (2+4)/2; (3+5)/2, (4+6)/2");
            assertArrayEquals(new float[] {1, 2, 1, 2}, Pooling.CLS.pool(states, mask).toFloatArray());
        }
    }
}
