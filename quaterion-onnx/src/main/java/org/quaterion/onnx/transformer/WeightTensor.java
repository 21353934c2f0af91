package org.quaterion.onnx.transformer;

import java.util.Arrays;

/**
 * One pretrained weight read from a checkpoint file, in PyTorch's layout: a linear layer's weight is
 * {@code (out, in)}, values in row-major order, widened to float32 whatever the file stored.
 *
 * @param shape the dimensions
 * @param values the values, row-major; {@code values.length} is the product of {@code shape}
 */
public record WeightTensor(long[] shape, float[] values) {

    /**
     * Checks that the values fill the shape.
     *
     * @param shape the dimensions
     * @param values the values
     */
    public WeightTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("a weight of shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }
}
