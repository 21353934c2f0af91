package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;

/**
 * PML's {@code MultiSimilarityMiner}: keeps a negative pair (a, n) if {@code d_an − ε < max_p d_ap} and a positive
 * pair (a, p) if {@code d_ap + ε > min_n d_an} (with cosine, the same as PML's {@code s_an + ε > min_p s_ap} and
 * {@code s_ap − ε < max_n s_an}). Default distance: cosine.
 */
public final class MultiSimilarityMiner implements Miner {

    private final double epsilon;
    private final Distance distance;

    /**
     * Creates the miner.
     *
     * @param epsilon the slack ε (PML default 0.1)
     * @param distance the distance
     */
    public MultiSimilarityMiner(double epsilon, Distance distance) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        this.epsilon = epsilon;
        this.distance = distance;
    }

    /**
     * Creates the miner with cosine distance.
     *
     * @param epsilon the slack ε
     */
    public MultiSimilarityMiner(double epsilon) {
        this(epsilon, Distance.cosine());
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives();
        NDArray neg = ctx.negatives();
        double inf = Double.POSITIVE_INFINITY;
        NDArray maxPos = NDArrays.where(pos, mat, Scalars.of(mat, -inf)).max(new int[] {1}, true);
        NDArray minNeg = NDArrays.where(neg, mat, Scalars.of(mat, inf)).min(new int[] {1}, true);
        NDArray hardPos = pos.logicalAnd(mat.add(epsilon).gt(minNeg));
        NDArray hardNeg = neg.logicalAnd(mat.sub(epsilon).lt(maxPos));
        return IndexTuples.pairsFromMasks(hardPos, hardNeg);
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = Miner.super.config();
        json.addProperty("epsilon", epsilon);
        json.add("distance", distance.config());
        return json;
    }
}
