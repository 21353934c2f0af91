package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.reducer.Terms;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code TripletMarginLoss}: per triplet {@code [d_ap − d_an + m]_+} (or {@code softplus} when smooth), over
 * all valid triplets or the mined ones.
 *
 * <p>Defaults as PML 2.8.1: margin 0.05, distance L2 on normalised embeddings, reducer AvgNonZero; PML 3's margin
 * 0.2 with {@link #builder(Pml)} / {@link #TripletMarginLoss(Pml)}. {@code tuples_per_anchor = k} keeps at most k
 * random triplets per anchor, drawn without replacement from all valid (or all mined) ones, as PML 3's miners do:
 * O(n·k) terms instead of every triplet. With cosine
 * distance (1 − cos) the value equals PML's with {@code CosineSimilarity} ({@code s_an − s_ap + m}). All triplets
 * are reduced in anchor blocks: the hinge with O(B²) memory (exact counting form), the smooth variant keeping
 * its blocks' graphs. Reference: Schroff et al., FaceNet (arXiv 1503.03832).
 */
public final class TripletMarginLoss extends GroupLoss {

    /** The margin m. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.05, v -> v >= 0, "margin >= 0",
            "the margin m of [d_ap − d_an + m]_+");
    /** Softplus instead of the hinge (PML smooth_loss). */
    public static final Setting<Boolean> SMOOTH = Setting.flag("smooth", false,
            "softplus instead of the hinge (PML smooth_loss)");
    /** At most this many random triplets per anchor; 0 for all. */
    public static final Setting<Integer> TUPLES_PER_ANCHOR = Setting.integer("tuples_per_anchor", 0, v -> v >= 0,
            "tuples_per_anchor >= 0 (0 = all)",
            "at most this many random triplets per anchor, drawn without replacement (PML 3); 0 for all");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The reducer of the per-triplet losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new AvgNonZeroReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<TripletMarginLoss> SPEC = ComponentSpec.of("triplet_margin", TripletMarginLoss.class, TripletMarginLoss::new,
            MARGIN, SMOOTH, TUPLES_PER_ANCHOR, DISTANCE, REDUCER);

    private final double margin;
    private final boolean smooth;
    private final TuplesPerAnchor perAnchor;

    private TripletMarginLoss(Settings settings) {
        super(settings);
        this.margin = settings.get(MARGIN);
        this.smooth = settings.get(SMOOTH);
        int k = settings.get(TUPLES_PER_ANCHOR);
        this.perAnchor = k == 0 ? null : new TuplesPerAnchor(k, 0);
    }

    /**
     * Creates the loss with the defaults of a PML version (margin 0.05 for V2, 0.2 for V3).
     *
     * @param version the PML version whose defaults to take
     */
    public TripletMarginLoss(Pml version) {
        this(version.tripletMargin());
    }

    /**
     * Creates the loss with PML's defaults and the given margin.
     *
     * @param margin the margin
     */
    public TripletMarginLoss(double margin) {
        this(SPEC.read(null).with(MARGIN, margin));
    }

    /** Creates the loss with PML's defaults (margin 0.05). */
    public TripletMarginLoss() {
        this(SPEC.read(null));
    }

    private NDArray hinge(NDArray v) {
        return smooth ? LossMath.softplus(v) : Activation.relu(v);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        if (perAnchor != null) {
            return onTriplets(mat, in.tuples() == null ? perAnchor.sample(in.labels(), in.refLabels(), in.selfRef())
                    : perAnchor.subset(in.tuples().toTriplets()), in.labels());
        }
        if (in.tuples() == null) {
            NDArray pos = Masks.positives(in.labels(), in.refLabels(), in.selfRef());
            NDArray neg = Masks.negatives(in.labels(), in.refLabels());
            Reducer r = reducer().forPart(Terms.SINGLE_PART);
            if (!r.elementwise()) {
                // a reducer that weights or groups by anchor, or returns the losses: every triplet, O(n·m²)
                NDArray all = hinge(mat.expandDims(2).sub(mat.expandDims(1)).add(margin));
                NDArray valid = pos.expandDims(2).logicalAnd(neg.expandDims(1));
                NDArray rows = in.labels().getManager().arange((int) in.labels().size())
                        .toType(DataType.INT64, false).reshape(-1, 1, 1);
                return LossTerms.triplets(all, valid, rows, in.labels());
            }
            // the blocks reduce with the reducer as they go, so that the B³ triplet terms never exist at once
            return LossTerms.reducedWith(reducer(), smooth ? TripletBlocks.reduce(mat, pos, neg, (ap, an) -> hinge(ap.sub(an)
                    .add(margin)), r, in.zero()) : TripletBlocks.reduceHinge(mat, pos, neg, margin, r, in.zero()));
        }
        return onTriplets(mat, in.tuples().toTriplets(), in.labels());
    }

    private LossTerms onTriplets(NDArray mat, IndexTuples.Triplets t, NDArray labels) {
        if (t.size() == 0) {
            return LossTerms.none();
        }
        NDArray ap = LossMath.pick(mat, t.a(), t.p());
        NDArray an = LossMath.pick(mat, t.a(), t.n());
        return LossTerms.triplets(hinge(ap.sub(an).add(margin)), null, t.a(), labels);
    }

    /** True: this loss computes from the distance matrix alone ({@link GroupLoss#forwardMatrix}). */
    @Override
    public boolean acceptsDistanceMatrix() {
        return true;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from a PML version's defaults (margin 0.05 for V2, 0.2 for V3).
     *
     * @param version the PML version
     * @return a new builder
     */
    public static Builder builder(Pml version) {
        return new Builder().optMargin(version.tripletMargin());
    }

    /** Builds a {@link TripletMarginLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<TripletMarginLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link TripletMarginLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link TripletMarginLoss#SMOOTH}.
         *
         * @param smooth the value
         * @return this builder
         */
        public Builder optSmooth(boolean smooth) {
            return set(SMOOTH, smooth);
        }

        /**
         * Sets {@link TripletMarginLoss#TUPLES_PER_ANCHOR}.
         *
         * @param tuplesPerAnchor at most this many random triplets per anchor; 0 for all
         * @return this builder
         */
        public Builder optTuplesPerAnchor(int tuplesPerAnchor) {
            return set(TUPLES_PER_ANCHOR, tuplesPerAnchor);
        }
    }
}
