package org.quaterion.models.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between an array and a Java number that stays correct under autograd.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code maximum}, {@code minimum}, {@code pow}) wraps the
 * number in a tensor that points into a Java direct buffer and closes that wrapper right after the op. Autograd keeps
 * the tensor for the backward pass, so a garbage collection between forward and backward frees the buffer and the
 * backward pass reads freed memory: gradients become wrong, and seeded runs stop being reproducible. The helpers here
 * copy the number into memory owned by the engine first; the values are the same as DJL's (the number is converted
 * to the array's type, as the engine does for a zero-dimensional operand).
 */
public final class Scalars {

    private Scalars() {}

    /**
     * A zero-dimensional array holding {@code value}, in engine-owned memory, on {@code like}'s device and manager.
     *
     * @param like the array the scalar will be combined with
     * @param value the number
     * @return the scalar: {@code like}'s type when it is floating point (or integral and {@code value} is a whole
     *     number), float32 otherwise — the type the engine would compute in
     */
    public static NDArray of(NDArray like, double value) {
        DataType type = like.getDataType();
        if (!type.isFloating() && (type == DataType.BOOLEAN || value != Math.rint(value))) {
            type = DataType.FLOAT32;
        }
        NDManager manager = like.getManager();
        try (NDArray wrapped = manager.create(value)) {
            // a cast allocates engine memory; for the same type, toType(type, true) would alias the buffer
            return wrapped.getDataType() == type ? wrapped.duplicate() : wrapped.toType(type, false);
        }
    }

    /**
     * {@code x * value}.
     *
     * @param x the array
     * @param value the factor
     * @return a new array
     */
    public static NDArray mul(NDArray x, double value) {
        return apply(x, value, NDArray::mul);
    }

    /**
     * {@code x / value}.
     *
     * @param x the array
     * @param value the divisor
     * @return a new array
     */
    public static NDArray div(NDArray x, double value) {
        return apply(x, value, NDArray::div);
    }

    /**
     * Element-wise {@code max(x, value)}.
     *
     * @param x the array
     * @param value the lower bound
     * @return a new array
     */
    public static NDArray max(NDArray x, double value) {
        return apply(x, value, NDArray::maximum);
    }

    /**
     * Element-wise {@code min(x, value)}.
     *
     * @param x the array
     * @param value the upper bound
     * @return a new array
     */
    public static NDArray min(NDArray x, double value) {
        return apply(x, value, NDArray::minimum);
    }

    /**
     * Element-wise {@code x ^ value}.
     *
     * @param x the array
     * @param value the exponent
     * @return a new array
     */
    public static NDArray pow(NDArray x, double value) {
        return apply(x, value, NDArray::pow);
    }

    /** Applies {@code op(x, scalar)} and frees the scalar's handle (autograd keeps its engine-owned storage). */
    private static NDArray apply(NDArray x, double value, BinaryOperator<NDArray> op) {
        try (NDArray s = of(x, value)) {
            return op.apply(x, s);
        }
    }
}
