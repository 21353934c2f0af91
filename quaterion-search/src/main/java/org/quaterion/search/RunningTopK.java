package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * The best {@code depth} columns of each row over score blocks offered one after another (a block's top by
 * {@link ChunkedTopK}, then a merge with the best so far). The kept arrays belong to no {@link NDScope}, so a caller
 * may scope each block's work and free it before the next; {@link #close} frees them.
 */
final class RunningTopK implements AutoCloseable {

    private final int depth;
    private NDArray values;
    private NDArray indices;

    /**
     * Starts with nothing kept.
     *
     * @param depth columns kept per row, at least 1
     */
    RunningTopK(int depth) {
        this.depth = depth;
    }

    /**
     * Merges a block of scores.
     *
     * @param scores {@code (b, w)}, larger = better
     * @param offset the column number of the block's first column
     */
    void offer(NDArray scores, long offset) {
        try (NDScope scope = new NDScope()) {
            NDList top = ChunkedTopK.topK(scores, (int) Math.min(depth, scores.getShape().get(1)));
            NDArray v = top.get(0);
            NDArray i = top.get(1).add(offset);
            if (values != null) {
                NDArray allV = NDArrays.concat(new NDList(values, v), 1);
                NDArray allI = NDArrays.concat(new NDList(indices, i), 1);
                NDList merged = allV.topK((int) Math.min(depth, allV.getShape().get(1)), 1, true, true);
                v = merged.get(0);
                i = allI.gather(merged.get(1).toType(DataType.INT64, false), 1);
            }
            NDScope.unregister(v, i);
            close();
            values = v;
            indices = i;
        }
    }

    /** The kept scores {@code (b, ≤ depth)}, best first; null before the first block. */
    NDArray values() {
        return values;
    }

    /** The kept columns {@code (b, ≤ depth)} (int64), in the order of {@link #values()}. */
    NDArray indices() {
        return indices;
    }

    /** Frees the kept arrays. */
    @Override
    public void close() {
        if (values != null) {
            values.close();
            indices.close();
            values = null;
            indices = null;
        }
    }
}
