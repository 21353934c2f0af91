package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import java.util.function.BinaryOperator;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.PairBlocks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.Aggregate;
import org.quaterion.reducer.Reducer;

/**
 * Reduces per-triplet losses over every valid triplet (a, p, n) without an {@code n·m·m} tensor: triplets are
 * enumerated as (positive pair) × (reference), in {@link PairBlocks} of ~2^24 elements, so work and memory are
 * {@code O(P·m)} for P positive pairs (B²/C·B for C balanced classes, not B³).
 *
 * <p>For the hinge {@code [d_ap − d_an + m]_+} ({@link #reduceHinge}) the sum over counted violating triplets is
 * linear in the distances: {@code Σ d_ap·c_ap − Σ d_an·c_an + m·C}, where {@code c_ap}/{@code c_an} count the
 * counted violating triplets through each pair. The counts are computed without gradient; the graph is only
 * {@code O(n·m)} and value and gradient are exact. Other per-triplet functions ({@link #reduce}) keep their
 * blocks' graphs.
 */
final class TripletBlocks {

    private TripletBlocks() {}

    /**
     * Reduces the hinge {@code [d_ap − d_an + margin]_+} over valid triplets with O(n·m) graph memory.
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
        NDArray[] pairs = PairBlocks.positivePairs(pos);
        if (pairs == null) {
            return zero;
        }
        NDArray d = mat.stopGradient();
        long n = d.getShape().get(0);
        long m = d.getShape().get(1);
        NDList apCounts = new NDList();
        NDArray anCounts = d.zerosLike();
        NDArray[] totals = {null, null}; // counted (INT64), contributing (d's type): kept on the device
        PairBlocks.forEach(pairs, m, (a, p) -> {
            NDArray dap = LossMath.pick(d, a, p);
            NDArray v = dap.expandDims(1).sub(d.get(a)).add(margin);
            NDArray keep = reducer.keep(Activation.relu(v));
            NDArray valid = neg.get(a);
            NDArray kept = keep == null ? valid : valid.logicalAnd(keep);
            NDArray contrib = kept.logicalAnd(v.gt(0)).toType(d.getDataType(), false);
            NDArray c = kept.toType(DataType.INT64, false).sum();
            NDArray k = contrib.sum();
            totals[0] = PairBlocks.survive(totals[0] == null ? c : totals[0].add(c));
            totals[1] = PairBlocks.survive(totals[1] == null ? k : totals[1].add(k));
            apCounts.add(PairBlocks.survive(contrib.sum(new int[] {1})));
            addSegmentSums(anCounts, a, contrib);
        });
        NDArray cAp = d.zerosLike().reshape(-1);
        NDArray apFlat = apCounts.size() == 1 ? apCounts.head() : NDArrays.concat(apCounts, 0);
        cAp = cAp.scatter(Scalars.mul(pairs[0], m).add(pairs[1]), apFlat, 0).reshape(n, m);
        NDArray sum = mat.mul(cAp.sub(anCounts)).sum().add(Scalars.mul(totals[1], margin)).add(zero);
        return reducer.finish(new Aggregate(sum, totals[0]), zero);
    }

    /**
     * Adds, for each anchor, the sum of the rows of {@code values} whose pair has that anchor
     * ({@code target[a] += Σ_{k: anchors_k = a} values_k}); {@code anchors} is sorted. Uses a cumulative sum over
     * the block, so it costs O(rows·m).
     */
    private static void addSegmentSums(NDArray target, NDArray anchors, NDArray values) {
        long first = anchors.getLong(0);
        long last = anchors.getLong(anchors.size() - 1);
        int range = (int) (last - first + 1);
        NDArray local = anchors.sub(first);
        NDArray counts = local.oneHot(range).toType(DataType.INT64, false).sum(new int[] {0});
        NDArray ends = counts.cumSum(0);
        NDArray starts = ends.sub(counts);
        NDArray cum = NDArrays.concat(new NDList(values.zerosLike().get("0:1"), values.cumSum(0)), 0);
        NDArray sums = cum.get(ends).sub(cum.get(starts));
        NDIndex rows = new NDIndex(first + ":" + (last + 1));
        target.set(rows, target.get(rows).add(sums));
    }

    /**
     * Reduces an arbitrary {@code perTriplet(d_ap, d_an)} over valid triplets, block by block (the blocks' graphs
     * are kept for the backward pass).
     *
     * @param mat {@code (n, m)} distances
     * @param pos positive mask {@code (n, m)}
     * @param neg negative mask {@code (n, m)}
     * @param perTriplet maps {@code d_ap (b, 1)} and {@code d_an (b, m)} to {@code (b, m)} losses
     * @param reducer the reducer
     * @param zero graph-connected 0
     * @return the reduced loss
     */
    static NDArray reduce(NDArray mat, NDArray pos, NDArray neg, BinaryOperator<NDArray> perTriplet,
            Reducer reducer, NDArray zero) {
        NDArray[] pairs = PairBlocks.positivePairs(pos);
        if (pairs == null) {
            return zero;
        }
        Aggregate[] sum = new Aggregate[1];
        // the block's Java handles are closed at its end: autograd keeps only what the backward pass needs
        PairBlocks.forEach(pairs, mat.getShape().get(1), (a, p) -> {
            NDArray dap = LossMath.pick(mat, a, p).expandDims(1);
            NDArray losses = perTriplet.apply(dap, mat.get(a)).booleanMask(neg.get(a));
            if (losses.size() > 0) {
                Aggregate part = reducer.accumulate(losses);
                sum[0] = sum[0] == null ? part : sum[0].plus(part);
                PairBlocks.survive(sum[0].sum(), sum[0].count());
            }
        });
        return reducer.finish(sum[0], zero);
    }
}
