package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.reducer.TermType;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code ContrastiveLoss} for groups: positive pairs {@code [d − m_pos]_+}, negative pairs
 * {@code [m_neg − d]_+}, each reduced on its own (default AvgNonZero) and summed. Reference: Hadsell, Chopra,
 * LeCun 2006. Mined pairs are terms as listed: a pair a miner lists twice counts twice, as in PML.
 *
 * <p>Defaults as PML: {@code m_pos = 0}, {@code m_neg = 1}, L2 on normalised embeddings. PML's similarity margins
 * with {@code CosineSimilarity} map to {@code Distance.cosine()} by {@code m' = 1 − m} (PML's suggested
 * {@code pos 1, neg 0} is {@code pos 0, neg 1} here).
 */
public final class ContrastiveLoss extends GroupLoss {

    /** Positives closer than this cost nothing. */
    public static final Setting<Double> POS_MARGIN = Setting.real("pos_margin", 0,
            "distance below which a positive pair costs nothing (>= 0 unless the distance is dot_product)");
    /** Negatives farther than this cost nothing. */
    public static final Setting<Double> NEG_MARGIN = Setting.real("neg_margin", 1,
            "distance above which a negative pair costs nothing (>= 0 unless the distance is dot_product)");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The reducer of the positive and the negative pair losses, apart. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new AvgNonZeroReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ContrastiveLoss> SPEC = ComponentSpec.of("contrastive", ContrastiveLoss.class, ContrastiveLoss::new,
            POS_MARGIN, NEG_MARGIN, DISTANCE, REDUCER);

    private final double posMargin;
    private final double negMargin;

    private ContrastiveLoss(Settings settings) {
        super(settings);
        // distances are >= 0, so a negative margin is meaningless, except for the (negated) dot product
        double min = distance().kind() == Distance.Kind.DOT_PRODUCT ? Double.NEGATIVE_INFINITY : 0;
        Args.atLeast("ContrastiveLoss", "posMargin", settings.get(POS_MARGIN), min);
        Args.atLeast("ContrastiveLoss", "negMargin", settings.get(NEG_MARGIN), min);
        this.posMargin = settings.get(POS_MARGIN);
        this.negMargin = settings.get(NEG_MARGIN);
    }

    /** Creates the loss with PML's defaults (0, 1). */
    public ContrastiveLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        return terms(in, distance(), posMargin, negMargin);
    }

    /**
     * The contrastive terms: positive pairs {@code [d − posMargin]_+} and negative pairs {@code [negMargin − d]_+},
     * two parts reduced apart (also {@link SignalToNoiseRatioContrastiveLoss}'s).
     *
     * @param in the inputs
     * @param distance the distance
     * @param posMargin the positive margin
     * @param negMargin the negative margin
     * @return the two parts: masked label pairs, or the mined pairs as listed
     */
    static LossTerms terms(LossInputs in, Distance distance, double posMargin, double negMargin) {
        NDArray mat = in.distances(distance);
        NDArray pos = Activation.relu(mat.sub(posMargin));
        NDArray neg = Activation.relu(mat.neg().add(negMargin));
        return LossTerms.sum(PairLists.terms(in, "pos_loss", TermType.POS_PAIR, pos),
                PairLists.terms(in, "neg_loss", TermType.NEG_PAIR, neg));
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

    /** Builds a {@link ContrastiveLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<ContrastiveLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link ContrastiveLoss#POS_MARGIN}.
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            return set(POS_MARGIN, posMargin);
        }

        /**
         * Sets {@link ContrastiveLoss#NEG_MARGIN}.
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            return set(NEG_MARGIN, negMargin);
        }
    }
}
