package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.XavierInitializer;
import com.google.gson.JsonObject;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Quaterion's {@code CenterLoss} (Wen et al. 2016): {@code λ · mean((normalize(E) − C[y])²)} over all
 * {@code n·D} elements, with learnable centres C {@code (G, D)} (Xavier-uniform init) optimised by the trainer
 * (not the paper's running-centre update). Usually added to a classification or metric loss. Default λ = 0.5.
 */
public final class CenterLoss extends ClassWeightLoss {

    /** The weight λ. */
    public static final Setting<Double> LAMBDA_C = Setting.real("lambda_c", 0.5, v -> v > 0, "lambda > 0",
            "the weight λ of the centre loss");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<CenterLoss> SPEC = ComponentSpec.of("center", CenterLoss.class, CenterLoss::new,
            NUM_CLASSES, EMBEDDING_SIZE, LAMBDA_C, REDUCER);

    private final double lambda;

    private CenterLoss(Settings settings) {
        super(settings, "centers", new XavierInitializer());
        this.lambda = settings.get(LAMBDA_C);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray centers) {
        NDArray assigned = centers.get(in.labels());
        // per sample: the mean squared difference over the D dimensions, so that the mean over samples is PML's value
        return perSample(in, Scalars.mul(in.embeddings().normalize(2, 1, 1e-12).sub(assigned).square()
                .mean(new int[] {1}), lambda));
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
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link CenterLoss#LAMBDA_C}.
         *
         * @param lambda the value
         * @return this builder
         */
        public Builder optLambda(double lambda) {
            return set(LAMBDA_C, lambda);
        }
    }
}
