package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;

/**
 * PML's {@code ContrastiveLoss} for groups: positive pairs {@code [d − m_pos]_+}, negative pairs
 * {@code [m_neg − d]_+}, each reduced on its own (default AvgNonZero) and summed. Reference: Hadsell, Chopra,
 * LeCun 2006.
 *
 * <p>Defaults as PML: {@code m_pos = 0}, {@code m_neg = 1}, L2 on normalised embeddings. PML's similarity margins
 * with {@code CosineSimilarity} map to {@code Distance.cosine()} by {@code m' = 1 − m} (PML's suggested
 * {@code pos 1, neg 0} is {@code pos 0, neg 1} here).
 */
public final class ContrastiveLoss extends GroupLoss {

    private final double posMargin;
    private final double negMargin;

    /**
     * Creates the loss.
     *
     * @param posMargin positives closer than this cost nothing
     * @param negMargin negatives farther than this cost nothing
     * @param distance the distance
     * @param reducer reducer applied to each of the two sub-losses
     */
    private ContrastiveLoss(double posMargin, double negMargin, Distance distance, Reducer reducer) {
        super(distance, reducer);
        // distances are >= 0, so a negative margin is meaningless, except for the (negated) dot product
        double min = distance().kind() == Distance.Kind.DOT_PRODUCT ? Double.NEGATIVE_INFINITY : 0;
        Args.finite("ContrastiveLoss", "posMargin", posMargin);
        Args.finite("ContrastiveLoss", "negMargin", negMargin);
        Args.atLeast("ContrastiveLoss", "posMargin", posMargin, min);
        Args.atLeast("ContrastiveLoss", "negMargin", negMargin, min);
        this.posMargin = posMargin;
        this.negMargin = negMargin;
    }

    /** Creates the loss with PML's defaults (0, 1). */
    public ContrastiveLoss() {
        this(0, 1, null, null);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray pos = Activation.relu(mat.sub(posMargin));
        NDArray neg = Activation.relu(mat.neg().add(negMargin));
        return LossTerms.sum(LossTerms.masked(pos, masks.positives()), LossTerms.masked(neg, masks.negatives()));
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("pos_margin", posMargin);
        json.addProperty("neg_margin", negMargin);
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

    /** Builds a {@link ContrastiveLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<ContrastiveLoss, Builder> {
        private double posMargin = 0;
        private double negMargin = 1;

        private Builder() {}

        /**
         * Sets the distance below which a positive pair costs nothing (PML pos_margin) (default 0).
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            this.posMargin = posMargin;
            return this;
        }

        /**
         * Sets the distance above which a negative pair costs nothing (PML neg_margin) (default 1).
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            this.negMargin = negMargin;
            return this;
        }

        @Override
        protected ContrastiveLoss create() {
            return new ContrastiveLoss(posMargin, negMargin, distance(), reducer());
        }
    }
}
