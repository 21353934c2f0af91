package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code PairMarginMiner}: keeps positive pairs with {@code d > posMargin} and negative pairs with
 * {@code d < negMargin}. Default distance: L2 on normalised embeddings.
 */
public final class PairMarginMiner extends DeclaredMiner {

    /** Positives farther than this are kept. */
    public static final Setting<Double> POS_MARGIN = Setting.real("pos_margin", 0.2,
            "positives farther than this are kept");
    /** Negatives closer than this are kept. */
    public static final Setting<Double> NEG_MARGIN = Setting.real("neg_margin", 0.8,
            "negatives closer than this are kept");
    /** The distance to mine with. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The declaration. */
    public static final ComponentSpec<PairMarginMiner> SPEC = ComponentSpec.of("pair_margin", PairMarginMiner.class,
            PairMarginMiner::new, POS_MARGIN, NEG_MARGIN, DISTANCE);

    private final double posMargin;
    private final double negMargin;
    private final Distance distance;

    /** Creates the miner with PML's defaults (0.2, 0.8, normalised L2). */
    public PairMarginMiner() {
        this(SPEC.read(null));
    }

    private PairMarginMiner(Settings settings) {
        super(settings);
        this.posMargin = settings.get(POS_MARGIN);
        this.negMargin = settings.get(NEG_MARGIN);
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

    /** Builds a {@link PairMarginMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<PairMarginMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #POS_MARGIN}.
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            return set(POS_MARGIN, posMargin);
        }

        /**
         * Sets {@link #NEG_MARGIN}.
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            return set(NEG_MARGIN, negMargin);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives().logicalAnd(mat.gt(posMargin));
        NDArray neg = ctx.negatives().logicalAnd(mat.lt(negMargin));
        return IndexTuples.pairsFromMasks(pos, neg);
    }
}
