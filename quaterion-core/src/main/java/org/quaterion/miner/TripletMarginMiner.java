package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.PairBlocks;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Triplets by how much they violate a margin (PML {@code TripletMarginMiner}): with {@code t = d_an − d_ap},
 * ALL keeps {@code t ≤ m}, HARD {@code t ≤ 0}, SEMI_HARD {@code 0 < t ≤ m}, EASY {@code t > m}. Computed over
 * (positive pair) × reference in {@code PairBlocks}, so memory stays {@code O(block · m)}, never an {@code n·m·m} cube.
 */
public final class TripletMarginMiner extends DeclaredMiner {

    /** Which triplets to keep. */
    public enum Type {
        /** Every triplet within the margin. */
        ALL,
        /** Negative closer than the positive. */
        HARD,
        /** Negative farther than the positive but within the margin. */
        SEMI_HARD,
        /** Negative beyond the margin. */
        EASY
    }

    /** The margin m. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.2, "the margin m");
    /** Which triplets to keep. */
    public static final Setting<Type> TYPE_OF_TRIPLETS = Setting.choice("type_of_triplets", Type.ALL,
            "which triplets to keep (PML's \"semihard\" is read as semi_hard)");
    /** The distance to mine with. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The declaration. */
    public static final ComponentSpec<TripletMarginMiner> SPEC = ComponentSpec.of("triplet_margin",
            TripletMarginMiner.class, TripletMarginMiner::new, MARGIN, TYPE_OF_TRIPLETS, DISTANCE);

    private final double margin;
    private final Type type;
    private final Distance distance;

    /** Creates the miner with PML's defaults (margin 0.2, all triplets, normalised L2). */
    public TripletMarginMiner() {
        this(SPEC.read(null));
    }

    private TripletMarginMiner(Settings settings) {
        super(settings);
        this.margin = settings.get(MARGIN);
        this.type = settings.get(TYPE_OF_TRIPLETS);
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

    /** Builds a {@link TripletMarginMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<TripletMarginMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link #TYPE_OF_TRIPLETS}.
         *
         * @param type the value
         * @return this builder
         */
        public Builder optType(Type type) {
            return set(TYPE_OF_TRIPLETS, type);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives();
        NDArray neg = ctx.negatives();
        BlockTriplets triplets = new BlockTriplets();
        NDArray[] pairs = PairBlocks.positivePairs(pos);
        if (pairs != null) {
            PairBlocks.forEach(pairs, mat.getShape().get(1), (a, p) -> {
                NDArray t = mat.get(a).sub(LossMath.pick(mat, a, p).expandDims(1));
                NDArray keep = switch (type) {
                    case EASY -> t.gt(margin);
                    case HARD -> t.lte(margin).logicalAnd(t.lte(0));
                    case SEMI_HARD -> t.lte(margin).logicalAnd(t.gt(0));
                    case ALL -> t.lte(margin);
                };
                triplets.add(a, p, neg.get(a).logicalAnd(keep));
            });
        }
        return triplets.result(labels);
    }
}
