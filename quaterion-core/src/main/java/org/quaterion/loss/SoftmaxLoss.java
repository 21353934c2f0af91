package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Quaterion's {@code SoftmaxLoss}: cross-entropy of {@code E·Wᵀ / T} (embeddings not normalised), mean;
 * W ~ N(0, 0.01²), temperature 0.05.
 */
public final class SoftmaxLoss extends ClassWeightLoss {

    /** The temperature T. */
    public static final Setting<Double> TEMPERATURE = Setting.real("temperature", 0.05, v -> v > 0,
            "temperature > 0", "the temperature T of E·Wᵀ / T");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SoftmaxLoss> SPEC = ComponentSpec.of("softmax", SoftmaxLoss.class, SoftmaxLoss::new,
            NUM_CLASSES, EMBEDDING_SIZE, TEMPERATURE, REDUCER);

    private final double temperature;

    private SoftmaxLoss(Settings settings) {
        super(settings, "class_weights");
        this.temperature = settings.get(TEMPERATURE);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray logits = Scalars.div(in.embeddings().matMul(weights.transpose()), temperature);
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

    /** Builds a {@link SoftmaxLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<SoftmaxLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SoftmaxLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }
    }
}
