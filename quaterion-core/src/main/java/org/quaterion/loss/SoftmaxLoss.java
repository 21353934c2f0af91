package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.internal.LossMath;
import org.quaterion.models.internal.Scalars;
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
    public SoftmaxLoss(int numClasses, int embeddingSize, double temperature, Reducer reducer) {
        super(numClasses, embeddingSize, "class_weights", reducer);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    /**
     * Creates the loss with the mean over samples.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param temperature T &gt; 0
     */
    public SoftmaxLoss(int numClasses, int embeddingSize, double temperature) {
        this(numClasses, embeddingSize, temperature, null);
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
}
