package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * PML's {@code MultiSimilarityLoss} (Wang et al. 2019, arXiv 1904.06627): per anchor i with similarities S,
 * {@code L_i = (1/α)·log(1 + Σ_{p∈P_i} e^{−α(S_ip − λ)}) + (1/β)·log(1 + Σ_{n∈N_i} e^{β(S_in − λ)})}, an empty set
 * giving 0; mean over all anchors. Defaults α = 2, β = 50, λ = base = 0.5 (PML's; the paper's λ is 1), cosine.
 * Usually fed by {@link org.quaterion.miner.MultiSimilarityMiner}.
 */
public final class MultiSimilarityLoss extends GroupLoss {

    private final double alpha;
    private final double beta;
    private final double base;

    /**
     * Creates the loss.
     *
     * @param alpha positive scale α
     * @param beta negative scale β
     * @param base similarity offset λ
     * @param distance the distance (similarities are its {@code toSimilarity}), or null for cosine
     * @param reducer the reducer of the per-anchor losses, or null for the mean (PML's default)
     */
    private MultiSimilarityLoss(double alpha, double beta, double base, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Args.positive("MultiSimilarityLoss", "alpha", alpha);
        Args.positive("MultiSimilarityLoss", "beta", beta);
        Args.finite("MultiSimilarityLoss", "base", base);
        this.alpha = alpha;
        this.beta = beta;
        this.base = base;
    }

    /** Creates the loss with PML's defaults (2, 50, 0.5, cosine, mean over anchors). */
    public MultiSimilarityLoss() {
        this(2, 50, 0.5, null, null);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray sim = in.similarities(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray posTerm = Scalars.div(LossMath.logSumExp(Scalars.mul(sim.sub(base), -alpha), masks.positives(), true, 1), alpha);
        NDArray negTerm = Scalars.div(LossMath.logSumExp(Scalars.mul(sim.sub(base), beta), masks.negatives(), true, 1), beta);
        return LossTerms.of(posTerm.add(negTerm));
    }

    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("alpha", alpha);
        json.addProperty("beta", beta);
        json.addProperty("base", base);
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

    /** Builds a {@link MultiSimilarityLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<MultiSimilarityLoss, Builder> {
        private double alpha = 2;
        private double beta = 50;
        private double base = 0.5;

        private Builder() {}

        /**
         * Sets the positive weight α (default 2).
         *
         * @param alpha the value
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * Sets the negative weight β (default 50).
         *
         * @param beta the value
         * @return this builder
         */
        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /**
         * Sets the similarity offset λ (PML base) (default 0.5).
         *
         * @param base the value
         * @return this builder
         */
        public Builder optBase(double base) {
            this.base = base;
            return this;
        }

        @Override
        protected MultiSimilarityLoss create() {
            return new MultiSimilarityLoss(alpha, beta, base, distance(), reducer());
        }
    }
}
