package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code HDCMiner} (Hard-Aware Deeply Cascaded embedding, Yuan et al. 2017): of all positive pairs, the
 * {@code ⌈f·P⌉} farthest; of all negative pairs, the {@code ⌈f·N⌉} closest. Default (PML's): {@code f = 0.5}, L2 on
 * normalised embeddings. PML's cascade hook ({@code set_idx_externally}, filtering another miner's pairs) is not
 * part of this miner; compose by mining with the other miner and filtering its pairs instead.
 */
public final class HDCMiner extends DeclaredMiner {

    /** The fraction f of the pairs of each side that is kept. */
    public static final Setting<Double> FILTER_PERCENTAGE = Setting.real("filter_percentage", 0.5,
            v -> v > 0 && v <= 1, "0 < filter_percentage <= 1", "fraction of the positive and of the negative pairs "
                    + "kept (the hardest)");
    /** The distance to mine with. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The declaration. */
    public static final ComponentSpec<HDCMiner> SPEC = ComponentSpec.of("hdc", HDCMiner.class, HDCMiner::new,
            FILTER_PERCENTAGE, DISTANCE);

    private final double filterPercentage;
    private final Distance distance;

    /** Creates the miner with PML's defaults (f 0.5, normalised L2). */
    public HDCMiner() {
        this(SPEC.read(null));
    }

    private HDCMiner(Settings settings) {
        super(settings);
        this.filterPercentage = settings.get(FILTER_PERCENTAGE);
        this.distance = settings.get(DISTANCE);
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link HDCMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<HDCMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #FILTER_PERCENTAGE}.
         *
         * @param fraction the value
         * @return this builder
         */
        public Builder optFilterPercentage(double fraction) {
            return set(FILTER_PERCENTAGE, fraction);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        IndexTuples.Pairs all = IndexTuples.pairsFromMasks(ctx.positives(), ctx.negatives());
        NDArray[] pos = hardest(ctx.distances(), all.a1(), all.p(), true);
        NDArray[] neg = hardest(ctx.distances(), all.a2(), all.n(), false);
        return new IndexTuples.Pairs(pos[0], pos[1], neg[0], neg[1]);
    }

    /** The {@code ⌈f·count⌉} pairs with the largest ({@code largest}) or smallest distances, farthest/closest first. */
    private NDArray[] hardest(NDArray mat, NDArray anchors, NDArray others, boolean largest) {
        long count = anchors.size();
        if (count == 0) {
            return new NDArray[] {anchors, others};
        }
        long k = (long) Math.ceil(filterPercentage * count);
        NDArray order = LossMath.pick(mat, anchors, others).argSort(0, !largest).get("0:" + k);
        return new NDArray[] {anchors.get(order), others.get(order)};
    }
}
