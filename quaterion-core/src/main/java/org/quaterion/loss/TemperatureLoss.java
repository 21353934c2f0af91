package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.Reducer;

/** Base of the contrastive losses on temperature-scaled similarities {@code s/τ} (NT-Xent, SupCon). */
public abstract class TemperatureLoss extends GroupLoss {

    private final double temperature;

    /**
     * Creates the loss.
     *
     * @param temperature τ &gt; 0
     * @param distance the distance whose similarity is scaled, or null for cosine (the papers' choice)
     * @param reducer the reducer, or null for the subclass's default
     */
    protected TemperatureLoss(double temperature, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Args.positive(getClass().getSimpleName(), "temperature", temperature);
        this.temperature = temperature;
    }

    /**
     * The temperature-scaled similarities {@code s/τ} of the embeddings against the references.
     *
     * @param in the loss inputs
     * @return {@code (n, m)} logits
     */
    protected final NDArray logits(LossInputs in) {
        return Scalars.div(in.similarities(distance()), temperature);
    }

    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("temperature", temperature);
        return json;
    }
}
