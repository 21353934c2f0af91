package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Decoupled contrastive learning (DCL, Yeh et al. 2022, arXiv 2110.06848), PML 3's
 * {@code DecoupledContrastiveLoss}: NT-Xent without the positive in the denominator. Per positive pair (a, p),
 * {@code L_ap = −w_ap·s_ap/τ + log Σ_{n∈N_a} e^{s_an/τ}}; pairs whose anchor has no negative give no term; mean over
 * pairs (the value can be negative). DCL: {@code w = 1}. DCLW ({@code sigma} set): the paper's von Mises-Fisher
 * weight {@code w_ap = 2 − e^{s_ap/σ} / mean_{positive pairs} e^{s/σ}} (not detached), σ = 0.5 in the paper.
 * τ = 0.1, cosine. Written from the paper; with two views per sample (one positive per anchor) it is Eq. 6 summed
 * over both views.
 */
public final class DecoupledContrastiveLoss extends TemperatureLoss {

    /** The temperature τ. */
    public static final Setting<Double> TEMPERATURE = temperature(0.1);
    /** The DCLW weight temperature σ; null for DCL (unweighted). */
    public static final Setting<Double> SIGMA = Setting.optionalReal("sigma",
            "σ of the DCLW positive weight (> 0); null for unweighted DCL");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-pair losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<DecoupledContrastiveLoss> SPEC = ComponentSpec.of("decoupled_contrastive",
            DecoupledContrastiveLoss.class, DecoupledContrastiveLoss::new, TEMPERATURE, SIGMA, DISTANCE, REDUCER);

    private final double temperature;
    private final Double sigma;

    private DecoupledContrastiveLoss(Settings settings) {
        super(settings);
        this.temperature = settings.get(TEMPERATURE);
        this.sigma = settings.get(SIGMA);
        if (sigma != null && !(sigma > 0)) {
            throw new IllegalArgumentException("DecoupledContrastiveLoss: sigma must be > 0 (DCLW) or null (DCL), got "
                    + sigma);
        }
    }

    /** Creates unweighted DCL with τ = 0.1 and cosine similarity. */
    public DecoupledContrastiveLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray s = in.similarities(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray pairs = masks.positives().logicalAnd(Masks.any(masks.negatives(), 1).expandDims(1));
        if (!pairs.any().getBoolean()) {
            return LossTerms.none();
        }
        NDArray logits = Scalars.div(s, temperature);
        NDArray negatives = LossMath.logSumExp(logits, masks.negatives(), false, 1).expandDims(1);
        NDArray positive = logits;
        if (sigma != null) {
            NDArray ex = Scalars.div(s, sigma).exp();
            NDArray pairF = pairs.toType(s.getDataType(), false);
            NDArray mean = ex.mul(pairF).sum().div(pairF.sum());
            positive = logits.mul(ex.div(mean).neg().add(2));
        }
        return LossTerms.masked(negatives.sub(positive), pairs);
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

    /** Builds a {@link DecoupledContrastiveLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<DecoupledContrastiveLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link DecoupledContrastiveLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }

        /**
         * Sets {@link DecoupledContrastiveLoss#SIGMA}: a value gives DCLW, null DCL.
         *
         * @param sigma the value, or null
         * @return this builder
         */
        public Builder optSigma(Double sigma) {
            return set(SIGMA, sigma);
        }
    }
}
