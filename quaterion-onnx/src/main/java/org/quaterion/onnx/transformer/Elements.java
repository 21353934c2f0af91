package org.quaterion.onnx.transformer;

/** Element counts of tensors declared by a file, computed without overflow so they can be compared with bounds. */
final class Elements {

    /** The most elements one tensor may have: its values are copied through a Java array, which holds no more. */
    static final long MAX = Integer.MAX_VALUE - 8;

    private Elements() {}

    /**
     * {@code a * b} for non-negative operands, {@link Long#MAX_VALUE} when it overflows.
     *
     * @param a a non-negative factor
     * @param b a non-negative factor
     * @return the product, saturated
     */
    static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The number of elements of a shape of non-negative dimensions, saturated at {@link Long#MAX_VALUE}.
     *
     * @param shape the dimensions
     * @return their product
     */
    static long of(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = times(n, d);
        }
        return n;
    }
}
