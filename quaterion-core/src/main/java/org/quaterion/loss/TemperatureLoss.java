package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.models.internal.Scalars;

/** Base of the contrastive losses on temperature-scaled similarities {@code s/τ} (NT-Xent, SupCon). */
public abstract class TemperatureLoss extends GroupLoss {

    private final double temperature;
    private final Distance distance;

    /**
     * Creates the loss.
     *
     * @param temperature τ &gt; 0
     * @param distance the distance whose similarity is scaled (cosine in the papers)
     */
    protected TemperatureLoss(double temperature, Distance distance) {
        Args.positive(getClass().getSimpleName(), "temperature", temperature);
        this.temperature = temperature;
        this.distance = distance;
    }

    /**
     * The temperature-scaled similarities {@code s/τ} of the embeddings against the references.
     *
     * @param in the loss inputs
     * @return {@code (n, m)} logits
     */
    protected final NDArray logits(LossInputs in) {
        return Scalars.div(in.similarities(distance), temperature);
    }

    @Override
    public JsonObject config() {
        JsonObject json = configWith(distance);
        json.addProperty("temperature", temperature);
        return json;
    }
}
