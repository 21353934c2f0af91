package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;

/**
 * For each anchor, the farthest positive and the closest negative (PML {@code BatchHardMiner}); anchors lacking a
 * positive or a negative are dropped. Default distance: L2 on normalised embeddings (PML's default).
 */
public final class BatchHardMiner implements Miner {

    private final Distance distance;

    /** Creates the miner with PML's default distance. */
    public BatchHardMiner() {
        this(Distance.euclidean().normalized());
    }

    /**
     * Creates the miner.
     *
     * @param distance the distance to mine with
     */
    public BatchHardMiner(Distance distance) {
        this.distance = distance;
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives();
        NDArray neg = ctx.negatives();
        double inf = Double.POSITIVE_INFINITY;
        NDArray posDist = NDArrays.where(pos, mat, Scalars.of(mat, -inf));
        NDArray negDist = NDArrays.where(neg, mat, Scalars.of(mat, inf));
        NDArray hardPos = posDist.argMax(1);
        NDArray hardNeg = negDist.argMin(1);
        NDArray keep = Masks.rowCounts(pos).gt(0).logicalAnd(Masks.rowCounts(neg).gt(0));
        NDArray anchors = keep.nonzero().squeeze(1);
        return new IndexTuples.Triplets(anchors, hardPos.get(anchors), hardNeg.get(anchors));
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = Miner.super.config();
        json.add("distance", distance.config());
        return json;
    }
}
