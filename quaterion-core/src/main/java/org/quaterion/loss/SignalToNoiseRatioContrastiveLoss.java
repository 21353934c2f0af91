package org.quaterion.loss;

import org.quaterion.distance.Distance;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code SignalToNoiseRatioContrastiveLoss} (Yuan et al. 2019, arXiv 1904.02616): the contrastive loss on the
 * signal-to-noise-ratio distance {@code d(x, y) = var(x − y) / var(x)} of L2-normalised embeddings
 * ({@code Distance.snr().normalized()}, PML's {@code SNRDistance()}): positive pairs {@code [d − m_pos]_+}, negative
 * pairs {@code [m_neg − d]_+}, each reduced on its own (AvgNonZero) and added. Defaults as PML: {@code m_pos = 0},
 * {@code m_neg = 1}. Takes mined pairs or triplets and reference embeddings as {@link ContrastiveLoss} does.
 *
 * <p>The distance is fixed, as PML asserts an {@code SNRDistance}; for the SNR distance without normalisation, or
 * scaled, use {@code ContrastiveLoss.builder().optDistance(Distance.snr())}.
 */
public final class SignalToNoiseRatioContrastiveLoss extends GroupLoss {

    /** Positives closer than this cost nothing. */
    public static final Setting<Double> POS_MARGIN = Setting.real("pos_margin", 0, v -> v >= 0, "pos_margin >= 0",
            "SNR distance below which a positive pair costs nothing");
    /** Negatives farther than this cost nothing. */
    public static final Setting<Double> NEG_MARGIN = Setting.real("neg_margin", 1, v -> v >= 0, "neg_margin >= 0",
            "SNR distance above which a negative pair costs nothing");
    /** The reducer of the positive and the negative pair losses, apart. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new AvgNonZeroReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SignalToNoiseRatioContrastiveLoss> SPEC = ComponentSpec.of("snr_contrastive",
            SignalToNoiseRatioContrastiveLoss.class, SignalToNoiseRatioContrastiveLoss::new, POS_MARGIN, NEG_MARGIN,
            REDUCER);

    private final double posMargin;
    private final double negMargin;

    private SignalToNoiseRatioContrastiveLoss(Settings settings) {
        super(settings);
        this.posMargin = settings.get(POS_MARGIN);
        this.negMargin = settings.get(NEG_MARGIN);
    }

    /** Creates the loss with PML's defaults (0, 1, normalised SNR distance, AvgNonZero). */
    public SignalToNoiseRatioContrastiveLoss() {
        this(SPEC.read(null));
    }

    /**
     * The SNR distance of normalised embeddings (PML's {@code SNRDistance()}); not a setting.
     *
     * @return the distance
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.snr().normalized();
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        return ContrastiveLoss.terms(in, distance(), posMargin, negMargin);
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SignalToNoiseRatioContrastiveLoss}: each setting by name, PML's defaults for the rest. */
    public static final class Builder extends LossBuilder<SignalToNoiseRatioContrastiveLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SignalToNoiseRatioContrastiveLoss#POS_MARGIN}.
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            return set(POS_MARGIN, posMargin);
        }

        /**
         * Sets {@link SignalToNoiseRatioContrastiveLoss#NEG_MARGIN}.
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            return set(NEG_MARGIN, negMargin);
        }
    }
}
