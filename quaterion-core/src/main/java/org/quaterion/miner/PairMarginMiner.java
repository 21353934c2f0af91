package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;

/**
 * PML's {@code PairMarginMiner}: keeps positive pairs with {@code d > posMargin} and negative pairs with
 * {@code d < negMargin}. Default distance: L2 on normalised embeddings.
 */
public final class PairMarginMiner implements Miner {

    private final double posMargin;
    private final double negMargin;
    private final Distance distance;

    /**
     * Creates the miner.
     *
     * @param posMargin positives farther than this are kept (PML default 0.2)
     * @param negMargin negatives closer than this are kept (PML default 0.8)
     * @param distance the distance
     */
    public PairMarginMiner(double posMargin, double negMargin, Distance distance) {
        this.posMargin = posMargin;
        this.negMargin = negMargin;
        this.distance = distance;
    }

    /**
     * Creates the miner with PML's defaults (0.2, 0.8, normalised L2).
     */
    public PairMarginMiner() {
        this(0.2, 0.8, Distance.euclidean().normalized());
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives().logicalAnd(mat.gt(posMargin));
        NDArray neg = ctx.negatives().logicalAnd(mat.lt(negMargin));
        return IndexTuples.pairsFromMasks(pos, neg);
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = Miner.super.config();
        json.addProperty("pos_margin", posMargin);
        json.addProperty("neg_margin", negMargin);
        json.add("distance", distance.config());
        return json;
    }
}
