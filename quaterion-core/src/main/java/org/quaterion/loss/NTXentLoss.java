package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.reducer.TermType;
import org.quaterion.reducer.Terms;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code NTXentLoss} / InfoNCE: per positive pair (a, p),
 * {@code ℓ = −log(e^{s_ap/τ} / (e^{s_ap/τ} + Σ_{n∈N_a} e^{s_an/τ}))}, mean over positive pairs; τ = 0.07, cosine.
 * Computed as {@code softplus(LSE_n(s_an/τ) − s_ap/τ)} with one log-sum-exp per anchor, O(B²) memory (PML builds a
 * positives × negatives matrix, O(B⁴/C²)). Mined pairs count as often as listed (a positive pair listed twice is two
 * terms, a negative listed twice enters the sum twice), as in PML. Reference: Chen et al., SimCLR (arXiv 2002.05709).
 */
public final class NTXentLoss extends TemperatureLoss {

    /** The temperature τ. */
    public static final Setting<Double> TEMPERATURE = temperature(0.07);
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-positive-pair losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<NTXentLoss> SPEC = ComponentSpec.of("ntxent", NTXentLoss.class, NTXentLoss::new,
            TEMPERATURE, DISTANCE, REDUCER);

    private NTXentLoss(Settings settings) {
        super(settings);
    }

    /**
     * Creates the loss with cosine similarity.
     *
     * @param temperature τ
     */
    public NTXentLoss(double temperature) {
        this(SPEC.read(null).with(TEMPERATURE, temperature));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray logits = logits(in);
        NDArray negatives = PairLists.negativeWeights(in, logits);
        NDArray negLse = PairLists.logSumExpCounted(logits, negatives);
        NDArray z = negLse.expandDims(1).sub(logits);
        NDArray hasNeg = PairLists.hasAny(negatives).expandDims(1).broadcast(z.getShape());
        NDArray perPair = NDArrays.where(hasNeg, LossMath.softplusExact(z), z.zerosLike());
        return PairLists.terms(in, Terms.SINGLE_PART, TermType.POS_PAIR, perPair);
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

    /** Builds a {@link NTXentLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<NTXentLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link NTXentLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }
    }
}
