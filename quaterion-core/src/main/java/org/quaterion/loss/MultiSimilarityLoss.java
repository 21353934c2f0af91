package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code MultiSimilarityLoss} (Wang et al. 2019, arXiv 1904.06627): per anchor i with similarities S,
 * {@code L_i = (1/α)·log(1 + Σ_{p∈P_i} e^{−α(S_ip − λ)}) + (1/β)·log(1 + Σ_{n∈N_i} e^{β(S_in − λ)})}, an empty set
 * giving 0; mean over all anchors. Defaults α = 2, β = 50, λ = base = 0.5 (PML's; the paper's λ is 1), cosine.
 * Usually fed by {@link org.quaterion.miner.MultiSimilarityMiner}.
 */
public final class MultiSimilarityLoss extends GroupLoss {

    /** The positive scale α. */
    public static final Setting<Double> ALPHA = Setting.real("alpha", 2, v -> v > 0, "alpha > 0",
            "the positive scale α");
    /** The negative scale β. */
    public static final Setting<Double> BETA = Setting.real("beta", 50, v -> v > 0, "beta > 0",
            "the negative scale β");
    /** The similarity offset λ. */
    public static final Setting<Double> BASE = Setting.real("base", 0.5, "the similarity offset λ");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MultiSimilarityLoss> SPEC = ComponentSpec.of("multi_similarity", MultiSimilarityLoss.class, MultiSimilarityLoss::new,
            ALPHA, BETA, BASE, DISTANCE, REDUCER);

    private final double alpha;
    private final double beta;
    private final double base;

    private MultiSimilarityLoss(Settings settings) {
        super(settings);
        this.alpha = settings.get(ALPHA);
        this.beta = settings.get(BETA);
        this.base = settings.get(BASE);
    }

    /** Creates the loss with PML's defaults (2, 50, 0.5, cosine, mean over anchors). */
    public MultiSimilarityLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray sim = in.similarities(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray posTerm = Scalars.div(LossMath.logSumExp(Scalars.mul(sim.sub(base), -alpha), masks.positives(), true, 1), alpha);
        NDArray negTerm = Scalars.div(LossMath.logSumExp(Scalars.mul(sim.sub(base), beta), masks.negatives(), true, 1), beta);
        return LossTerms.perAnchor(posTerm.add(negTerm), in.labels());
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

    /** Builds a {@link MultiSimilarityLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<MultiSimilarityLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link MultiSimilarityLoss#ALPHA}.
         *
         * @param alpha the value
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            return set(ALPHA, alpha);
        }

        /**
         * Sets {@link MultiSimilarityLoss#BETA}.
         *
         * @param beta the value
         * @return this builder
         */
        public Builder optBeta(double beta) {
            return set(BETA, beta);
        }

        /**
         * Sets {@link MultiSimilarityLoss#BASE}.
         *
         * @param base the value
         * @return this builder
         */
        public Builder optBase(double base) {
            return set(BASE, base);
        }
    }
}
