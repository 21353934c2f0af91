package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.models.internal.Scalars;

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
     */
    public SoftmaxLoss(int numClasses, int embeddingSize, double temperature) {
        super(numClasses, embeddingSize, "class_weights");
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    protected NDArray computeWithWeights(LossInputs in, NDArray weights) {
        NDArray logits = Scalars.div(in.embeddings().matMul(weights.transpose()), temperature);
        return LossMath.crossEntropy(logits, in.labels()).mean();
    }

    @Override
    public JsonObject config() {
        JsonObject json = baseConfig();
        json.addProperty("temperature", temperature);
        return json;
    }
}
