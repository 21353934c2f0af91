package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Supervised contrastive loss as PML's {@code SupConLoss} (Khosla et al. 2020, arXiv 2004.11362): per anchor i,
 * {@code L_i = −(1/|P_i|) Σ_{p∈P_i} [s_ip/τ − log Σ_{k∈P_i∪N_i} e^{s_ik/τ}]}, self excluded; anchors without
 * positives give 0 and are dropped by the AvgNonZero reduction. τ = 0.1, cosine. Like PML, no
 * {@code τ/τ_base} factor.
 */
public final class SupConLoss extends TemperatureLoss {

    /** The temperature τ. */
    public static final Setting<Double> TEMPERATURE = temperature(0.1);
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new AvgNonZeroReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SupConLoss> SPEC = ComponentSpec.of("supcon", SupConLoss.class, SupConLoss::new,
            TEMPERATURE, DISTANCE, REDUCER);

    private SupConLoss(Settings settings) {
        super(settings);
    }

    /**
     * Creates the loss with cosine similarity.
     *
     * @param temperature τ
     */
    public SupConLoss(double temperature) {
        this(SPEC.read(null).with(TEMPERATURE, temperature));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray logits = logits(in);
        PairMasks masks = PairMasks.of(in);
        return LossTerms.perAnchor(perAnchor(logits, masks.positives(),
                masks.positives().logicalOr(masks.negatives()), null), in.labels());
    }

    /**
     * The per-anchor SupCon terms {@code −(1/|P_i|) Σ_{p∈P_i} w_ip·(logit_ip − log Σ_{k∈A_i} e^{logit_ik})}, 0 for an
     * anchor without positives (shared with {@link MultiSupConLoss}, whose weights are Jaccard indices).
     *
     * @param logits {@code (n, m)} temperature-scaled similarities
     * @param positives the positive mask P
     * @param contrast the mask A of the denominator
     * @param weights {@code (n, m)} positive weights, or null for 1
     * @return {@code (n)} losses
     */
    static NDArray perAnchor(NDArray logits, NDArray positives, NDArray contrast, NDArray weights) {
        NDArray logProb = logits.sub(LossMath.logSumExp(logits, contrast, false, 1).expandDims(1));
        NDArray posF = positives.toType(logits.getDataType(), false);
        NDArray count = posF.sum(new int[] {1});
        NDArray weighted = weights == null ? logProb : weights.mul(logProb);
        return weighted.mul(posF).sum(new int[] {1}).div(Scalars.max(count, 1)).neg();
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

    /** Builds a {@link SupConLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<SupConLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SupConLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }
    }
}
