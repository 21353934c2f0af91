package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Normalized softmax (Zhai and Wu 2018, arXiv 1811.12649 "Classification is a strong baseline") as PML's
 * {@code NormalizedSoftmaxLoss} with its default distance (dot product of L2-normalised vectors): logits
 * {@code cos(x_i, W_c) / T}, cross-entropy, mean. Default T = 0.05; weights ~ N(0, 1).
 */
public final class NormalizedSoftmaxLoss extends ClassWeightLoss {

    /** The temperature T. */
    public static final Setting<Double> TEMPERATURE = Setting.real("temperature", 0.05, v -> v > 0,
            "temperature > 0", "the temperature T of cos(x, W) / T");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<NormalizedSoftmaxLoss> SPEC = ComponentSpec.of("normalized_softmax",
            NormalizedSoftmaxLoss.class, NormalizedSoftmaxLoss::new, NUM_CLASSES, EMBEDDING_SIZE, TEMPERATURE,
            REDUCER);

    private final double temperature;

    private NormalizedSoftmaxLoss(Settings settings) {
        super(settings, "class_weights", new NormalInitializer(1f));
        this.temperature = settings.get(TEMPERATURE);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray logits = Scalars.div(cosines(in.embeddings(), weights), temperature);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link NormalizedSoftmaxLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<NormalizedSoftmaxLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link NormalizedSoftmaxLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }
    }
}
