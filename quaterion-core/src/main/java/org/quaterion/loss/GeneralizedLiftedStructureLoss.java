package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code GeneralizedLiftedStructureLoss}, the generalised lifted structure loss of Hermans et al. 2017
 * ("In Defense of the Triplet Loss", arXiv 1703.07737, p. 4): per anchor i,
 * {@code ℓ_i = [LSE_{p∈P_i}(D_ip − m_pos) + LSE_{n∈N_i}(m_neg − D_in)]_+}, an empty set contributing 0; mean over
 * all anchors. Defaults {@code m_neg = 1}, {@code m_pos = 0}, L2 on normalised embeddings. Mined tuples select the
 * pairs (as masks, so a repeated pair counts once, as in PML).
 *
 * <p>Margins are in distance units. PML's margins with {@code CosineSimilarity} ({@code pos_margin} a,
 * {@code neg_margin} b on cos) are {@code m_pos = 1 − a}, {@code m_neg = 1 − b} with {@code Distance.cosine()}.
 */
public final class GeneralizedLiftedStructureLoss extends GroupLoss {

    /** The negative margin. */
    public static final Setting<Double> NEG_MARGIN = Setting.real("neg_margin", 1, "the negative margin m_neg");
    /** The positive margin. */
    public static final Setting<Double> POS_MARGIN = Setting.real("pos_margin", 0, "the positive margin m_pos");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<GeneralizedLiftedStructureLoss> SPEC = ComponentSpec.of(
            "generalized_lifted_structure", GeneralizedLiftedStructureLoss.class, GeneralizedLiftedStructureLoss::new,
            NEG_MARGIN, POS_MARGIN, DISTANCE, REDUCER);

    private final double negMargin;
    private final double posMargin;

    private GeneralizedLiftedStructureLoss(Settings settings) {
        super(settings);
        this.negMargin = settings.get(NEG_MARGIN);
        this.posMargin = settings.get(POS_MARGIN);
    }

    /** Creates the loss with PML's defaults (1, 0, normalised L2, mean over anchors). */
    public GeneralizedLiftedStructureLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray pos = LossMath.logSumExp(mat.sub(posMargin), masks.positives(), false, 1);
        NDArray neg = LossMath.logSumExp(mat.neg().add(negMargin), masks.negatives(), false, 1);
        return LossTerms.of(Activation.relu(pos.add(neg)));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link GeneralizedLiftedStructureLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<GeneralizedLiftedStructureLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link GeneralizedLiftedStructureLoss#NEG_MARGIN}.
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            return set(NEG_MARGIN, negMargin);
        }

        /**
         * Sets {@link GeneralizedLiftedStructureLoss#POS_MARGIN}.
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            return set(POS_MARGIN, posMargin);
        }
    }
}
