package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * Quaterion's {@code SoftmaxLoss}: cross-entropy of {@code E·Wᵀ / T} (embeddings not normalised), mean;
 * W ~ N(0, 0.01²), temperature 0.05.
 */
public final class SoftmaxLoss extends ClassWeightLoss {

    private final double temperature;

    /**
     * Creates the loss.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param temperature T &gt; 0
     * @param reducer the reducer of the per-sample losses, or null for the mean
     */
    private SoftmaxLoss(int numClasses, int embeddingSize, double temperature, Reducer reducer) {
        super(numClasses, embeddingSize, "class_weights", reducer);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray logits = Scalars.div(in.embeddings().matMul(weights.transpose()), temperature);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("temperature", temperature);
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

    /** Builds a {@link SoftmaxLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<SoftmaxLoss, Builder> {
        private double temperature = 0.05;

        private Builder() {}

        /**
         * Sets the temperature T, positive (default 0.05).
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        @Override
        protected SoftmaxLoss create() {
            return new SoftmaxLoss(numClasses(), embeddingSize(), temperature, reducer());
        }
    }
}
