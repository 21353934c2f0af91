package org.quaterion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * The one place that walks (positive pair) × reference rows in blocks, shared by the blocked triplet losses and the
 * triplet miner: a block holds about {@link #ELEMENTS} elements, so batch-all work never materialises an
 * {@code n·m·m} tensor. Each block runs in its own {@link NDScope}; what must outlive it goes through
 * {@link #survive}.
 */
public final class PairBlocks {

    /** Elements of a block's {@code (pairs, m)} tensors: 2^24 (64 MiB in float32). */
    public static final long ELEMENTS = 1L << 24;

    /** What is done with one block of positive pairs. */
    @FunctionalInterface
    public interface Body {
        /**
         * Handles one block.
         *
         * @param anchors the block's anchor indices (INT64, sorted)
         * @param positives the block's positive indices (INT64)
         */
        void accept(NDArray anchors, NDArray positives);
    }

    private PairBlocks() {}

    /**
     * The positive pairs (a, p) of a mask, sorted by anchor.
     *
     * @param pos positive mask {@code (n, m)}
     * @return {@code [a, p]} INT64 vectors, or null when there are none
     */
    public static NDArray[] positivePairs(NDArray pos) {
        NDArray idx = pos.nonzero();
        if (idx.getShape().get(0) == 0) {
            return null;
        }
        return new NDArray[] {idx.get(":, 0").toType(DataType.INT64, false),
            idx.get(":, 1").toType(DataType.INT64, false)};
    }

    /**
     * Runs {@code body} over the pairs, block by block, each block in its own {@link NDScope}.
     *
     * @param pairs {@code [a, p]} from {@link #positivePairs}
     * @param m the number of references (the width of a block's rows)
     * @param body what to do with each block
     */
    public static void forEach(NDArray[] pairs, long m, Body body) {
        long total = pairs[0].size();
        long block = Math.max(1, ELEMENTS / Math.max(1, m));
        for (long start = 0; start < total; start += block) {
            try (NDScope scope = new NDScope()) { // a block's (pairs, m) temporaries die with the block
                String range = start + ":" + Math.min(total, start + block);
                body.accept(pairs[0].get(range), pairs[1].get(range));
            }
        }
    }

    /**
     * Keeps arrays made inside a block's {@link NDScope} alive after it closes (they stay attached to their manager).
     *
     * @param arrays the arrays to keep (nulls ignored)
     * @return the first array
     */
    public static NDArray survive(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null) {
                NDScope.unregister(a);
            }
        }
        return arrays[0];
    }
}
