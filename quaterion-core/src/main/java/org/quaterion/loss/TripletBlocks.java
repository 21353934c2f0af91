package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import java.util.function.BinaryOperator;
import org.quaterion.reducer.Aggregate;
import org.quaterion.reducer.Reducer;

/**
 * Reduces a per-triplet loss over every valid triplet (a, p, n) without materialising the {@code n·m·m} cube:
 * anchors are processed in blocks of {@code ~2^24 / m²} rows, each block's valid losses are reduced into an
 * {@link Aggregate}, and the blocks are summed. Memory is {@code O(block·m²)}; the gradient flows through every
 * block.
 */
final class TripletBlocks {

    private static final long BLOCK_ELEMENTS = 1L << 24;

    private TripletBlocks() {}

    /**
     * Reduces {@code perTriplet(d_ap, d_an)} over valid triplets.
     *
     * @param mat {@code (n, m)} distances
     * @param pos positive mask {@code (n, m)}
     * @param neg negative mask {@code (n, m)}
     * @param perTriplet maps {@code d_ap (b, m, 1)} and {@code d_an (b, 1, m)} to {@code (b, m, m)} losses, or
     *     {@code (b, m, m, k)} for k terms per triplet (each counted by the reducer)
     * @param reducer the reducer
     * @param zero graph-connected 0
     * @return the reduced loss
     */
    static NDArray reduce(NDArray mat, NDArray pos, NDArray neg, BinaryOperator<NDArray> perTriplet,
            Reducer reducer, NDArray zero) {
        long n = mat.getShape().get(0);
        long m = mat.getShape().get(1);
        long block = Math.max(1, BLOCK_ELEMENTS / Math.max(1, m * m));
        Aggregate total = null;
        for (long start = 0; start < n; start += block) {
            String rows = start + ":" + Math.min(n, start + block);
            NDArray d = mat.get(rows);
            NDArray valid = pos.get(rows).expandDims(2).logicalAnd(neg.get(rows).expandDims(1));
            NDArray cube = perTriplet.apply(d.expandDims(2), d.expandDims(1));
            if (cube.getShape().dimension() > valid.getShape().dimension()) {
                valid = valid.expandDims(3).broadcast(cube.getShape());
            }
            NDArray losses = cube.booleanMask(valid);
            if (losses.size() == 0) {
                continue;
            }
            Aggregate part = reducer.accumulate(losses);
            total = total == null ? part : total.plus(part);
        }
        return reducer.finish(total, zero);
    }
}
