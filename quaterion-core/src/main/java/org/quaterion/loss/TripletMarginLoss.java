package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;

/**
 * PML's {@code TripletMarginLoss}: per triplet {@code [d_ap − d_an + m]_+} (or {@code softplus} when smooth), over
 * all valid triplets or the mined ones.
 *
 * <p>Defaults as PML: margin 0.05, distance L2 on normalised embeddings, reducer AvgNonZero. With cosine
 * distance (1 − cos) the value equals PML's with {@code CosineSimilarity} ({@code s_an − s_ap + m}). All triplets
 * are reduced in anchor blocks: the hinge with O(B²) memory (exact counting form), the smooth variant keeping
 * its blocks' graphs. Reference: Schroff et al., FaceNet (arXiv 1503.03832).
 */
public final class TripletMarginLoss extends GroupLoss {

    private final double margin;
    private final boolean smooth;

    /**
     * Creates the loss.
     *
     * @param margin the margin m
     * @param smooth use {@code softplus} instead of the hinge
     * @param distance the distance
     * @param reducer the reducer
     */
    private TripletMarginLoss(double margin, boolean smooth, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Args.atLeast("TripletMarginLoss", "margin", margin, 0);
        this.margin = margin;
        this.smooth = smooth;
    }

    /**
     * Creates the loss with PML's defaults and the given margin.
     *
     * @param margin the margin
     */
    public TripletMarginLoss(double margin) {
        this(margin, false, null, null);
    }

    /** Creates the loss with PML's defaults (margin 0.05). */
    public TripletMarginLoss() {
        this(0.05);
    }

    private NDArray hinge(NDArray v) {
        return smooth ? LossMath.softplus(v) : Activation.relu(v);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        if (in.tuples() == null) {
            NDArray pos = Masks.positives(in.labels(), in.refLabels(), in.selfRef());
            NDArray neg = Masks.negatives(in.labels(), in.refLabels());
            // the blocks reduce with the reducer as they go, so that the B³ triplet terms never exist at once
            return LossTerms.reducedWith(reducer(), smooth ? TripletBlocks.reduce(mat, pos, neg, (ap, an) -> hinge(ap.sub(an)
                    .add(margin)), reducer(), in.zero()) : TripletBlocks.reduceHinge(mat, pos, neg, margin, reducer(),
                    in.zero()));
        }
        IndexTuples.Triplets t = in.tuples().toTriplets();
        if (t.size() == 0) {
            return LossTerms.none();
        }
        NDArray ap = LossMath.pick(mat, t.a(), t.p());
        NDArray an = LossMath.pick(mat, t.a(), t.n());
        return LossTerms.of(hinge(ap.sub(an).add(margin)));
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("margin", margin);
        json.addProperty("smooth", smooth);
        return json;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TripletMarginLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<TripletMarginLoss, Builder> {
        private double margin = 0.05;
        private boolean smooth = false;

        private Builder() {}

        /**
         * Sets the margin (default 0.05).
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets softplus instead of the hinge (PML smooth_loss) (default false).
         *
         * @param smooth the value
         * @return this builder
         */
        public Builder optSmooth(boolean smooth) {
            this.smooth = smooth;
            return this;
        }

        @Override
        protected TripletMarginLoss create() {
            return new TripletMarginLoss(margin, smooth, distance(), reducer());
        }
    }
}
