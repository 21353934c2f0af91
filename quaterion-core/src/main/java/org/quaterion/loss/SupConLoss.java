package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;

/**
 * Supervised contrastive loss as PML's {@code SupConLoss} (Khosla et al. 2020, arXiv 2004.11362): per anchor i,
 * {@code L_i = −(1/|P_i|) Σ_{p∈P_i} [s_ip/τ − log Σ_{k∈P_i∪N_i} e^{s_ik/τ}]}, self excluded; anchors without
 * positives give 0 and are dropped by the AvgNonZero reduction. τ = 0.1, cosine. Like PML, no
 * {@code τ/τ_base} factor.
 */
public final class SupConLoss extends TemperatureLoss {

    /**
     * Creates the loss.
     *
     * @param temperature τ &gt; 0
     * @param distance the distance (similarities are its {@code toSimilarity}), or null for cosine
     * @param reducer the reducer, or null for the mean over anchors with a non-zero loss (PML's default)
     */
    private SupConLoss(double temperature, Distance distance, Reducer reducer) {
        super(temperature, distance, reducer);
    }

    /**
     * Creates the loss with the mean over anchors with a non-zero loss.
     *
     * @param temperature τ &gt; 0
     * @param distance the distance, or null for cosine
     */
    public SupConLoss(double temperature, Distance distance) {
        this(temperature, distance, null);
    }

    /**
     * Creates the loss with cosine similarity.
     *
     * @param temperature τ
     */
    public SupConLoss(double temperature) {
        this(temperature, null, null);
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray logits = logits(in);
        PairMasks masks = PairMasks.of(in);
        NDArray all = masks.positives().logicalOr(masks.negatives());
        NDArray logProb = logits.sub(LossMath.logSumExp(logits, all, false, 1).expandDims(1));
        NDArray posF = masks.positives().toType(logits.getDataType(), false);
        NDArray count = posF.sum(new int[] {1});
        NDArray mean = logProb.mul(posF).sum(new int[] {1}).div(Scalars.max(count, 1));
        return LossTerms.of(mean.neg());
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SupConLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<SupConLoss, Builder> {
        private double temperature = 0.1;

        private Builder() {}

        /**
         * Sets the temperature τ, positive (default 0.1).
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        @Override
        protected SupConLoss create() {
            return new SupConLoss(temperature, distance(), reducer());
        }
    }
}
