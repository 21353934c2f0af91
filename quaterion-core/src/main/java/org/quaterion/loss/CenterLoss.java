package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.XavierInitializer;
import com.google.gson.JsonObject;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * Quaterion's {@code CenterLoss} (Wen et al. 2016): {@code λ · mean((normalize(E) − C[y])²)} over all
 * {@code n·D} elements, with learnable centres C {@code (G, D)} (Xavier-uniform init) optimised by the trainer
 * (not the paper's running-centre update). Usually added to a classification or metric loss. Default λ = 0.5.
 */
public final class CenterLoss extends ClassWeightLoss {

    private final double lambda;

    /**
     * Creates the loss.
     *
     * @param numClasses G
     * @param embeddingSize D
     * @param lambda weight λ
     * @param reducer the reducer of the per-sample losses, or null for the mean
     */
    private CenterLoss(int numClasses, int embeddingSize, double lambda, Reducer reducer) {
        super(numClasses, embeddingSize, "centers", new XavierInitializer(), reducer);
        Args.positive("CenterLoss", "lambda", lambda);
        this.lambda = lambda;
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray centers) {
        NDArray assigned = centers.get(in.labels());
        // per sample: the mean squared difference over the D dimensions, so that the mean over samples is PML's value
        return perSample(in, Scalars.mul(in.embeddings().normalize(2, 1, 1e-12).sub(assigned).square()
                .mean(new int[] {1}), lambda));
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("lambda_c", lambda);
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

    /** Builds a {@link CenterLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<CenterLoss, Builder> {
        private double lambda = 0.5;

        private Builder() {}

        /**
         * Sets the weight λ (Quaterion lambda_c) (default 0.5).
         *
         * @param lambda the value
         * @return this builder
         */
        public Builder optLambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        @Override
        protected CenterLoss create() {
            return new CenterLoss(numClasses(), embeddingSize(), lambda, reducer());
        }
    }
}
