package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import java.util.function.BinaryOperator;
import org.quaterion.reducer.Aggregate;
import org.quaterion.reducer.Reducer;

/**
 * Reduces per-triplet losses over every valid triplet (a, p, n) without keeping an {@code n·m·m} tensor.
 *
 * <p>For the hinge {@code [d_ap − d_an + m]_+} ({@link #reduceHinge}) the sum over counted violating triplets is
 * linear in the distances: {@code Σ d_ap·c_ap − Σ d_an·c_an + m·C}, where {@code c_ap}/{@code c_an} count the
 * counted violating triplets through each pair. The counts are computed without gradient in anchor blocks of
 * {@code ~2^24 / m²} rows; the graph is only {@code O(n·m)} and the value and gradient are exact. Other per-triplet
 * functions ({@link #reduce}) are reduced block by block with the blocks' graphs kept.
 */
final class TripletBlocks {

    private static final long BLOCK_ELEMENTS = 1L << 24;

    private TripletBlocks() {}

    private static long block(long m) {
        return Math.max(1, BLOCK_ELEMENTS / Math.max(1, m * m));
    }

    /**
     * Reduces the hinge {@code [d_ap − d_an + margin]_+} over valid triplets with O(n·m) memory.
     *
     * @param mat {@code (n, m)} distances (with gradient)
     * @param pos positive mask
     * @param neg negative mask
     * @param margin the margin
     * @param reducer decides which losses count
     * @param zero graph-connected 0
     * @return the reduced loss
     */
    static NDArray reduceHinge(NDArray mat, NDArray pos, NDArray neg, double margin, Reducer reducer,
            NDArray zero) {
        NDArray d = mat.stopGradient();
        long n = d.getShape().get(0);
        long m = d.getShape().get(1);
        long block = block(m);
        NDList apCounts = new NDList();
        NDList anCounts = new NDList();
        double counted = 0;
        double contributing = 0;
        for (long start = 0; start < n; start += block) {
            String rows = start + ":" + Math.min(n, start + block);
            NDArray db = d.get(rows);
            NDArray v = db.expandDims(2).sub(db.expandDims(1)).add(margin);
            NDArray valid = pos.get(rows).expandDims(2).logicalAnd(neg.get(rows).expandDims(1));
            NDArray keep = reducer.keep(Activation.relu(v));
            NDArray kept = keep == null ? valid : valid.logicalAnd(keep);
            NDArray contrib = kept.logicalAnd(v.gt(0)).toType(d.getDataType(), false);
            counted += kept.toType(DataType.FLOAT64, false).sum().getDouble();
            contributing += contrib.toType(DataType.FLOAT64, false).sum().getDouble();
            apCounts.add(contrib.sum(new int[] {2}));
            anCounts.add(contrib.sum(new int[] {1}));
        }
        if (counted == 0) {
            return zero;
        }
        NDArray cAp = apCounts.size() == 1 ? apCounts.head() : NDArrays.concat(apCounts, 0);
        NDArray cAn = anCounts.size() == 1 ? anCounts.head() : NDArrays.concat(anCounts, 0);
        NDArray sum = mat.mul(cAp.sub(cAn)).sum().add(margin * contributing).add(zero);
        return reducer.finish(new Aggregate(sum, counted), zero);
    }

    /**
     * Reduces an arbitrary {@code perTriplet(d_ap, d_an)} over valid triplets, block by block (the blocks' graphs
     * are kept for the backward pass).
     *
     * @param mat {@code (n, m)} distances
     * @param pos positive mask {@code (n, m)}
     * @param neg negative mask {@code (n, m)}
     * @param perTriplet maps {@code d_ap (b, m, 1)} and {@code d_an (b, 1, m)} to {@code (b, m, m)} losses
     * @param reducer the reducer
     * @param zero graph-connected 0
     * @return the reduced loss
     */
    static NDArray reduce(NDArray mat, NDArray pos, NDArray neg, BinaryOperator<NDArray> perTriplet,
            Reducer reducer, NDArray zero) {
        long n = mat.getShape().get(0);
        long block = block(mat.getShape().get(1));
        Aggregate total = null;
        for (long start = 0; start < n; start += block) {
            String rows = start + ":" + Math.min(n, start + block);
            NDArray d = mat.get(rows);
            NDArray valid = pos.get(rows).expandDims(2).logicalAnd(neg.get(rows).expandDims(1));
            NDArray losses = perTriplet.apply(d.expandDims(2), d.expandDims(1)).booleanMask(valid);
            if (losses.size() == 0) {
                continue;
            }
            Aggregate part = reducer.accumulate(losses);
            total = total == null ? part : total.plus(part);
        }
        return reducer.finish(total, zero);
    }
}
