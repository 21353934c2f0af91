package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/** Base of the contrastive losses on temperature-scaled similarities {@code s/τ} (NT-Xent, SupCon). */
public abstract class TemperatureLoss extends GroupLoss {

    private final double temperature;

    /**
     * The declaration of a temperature setting.
     *
     * @param defaultValue the reference temperature
     * @return the setting, key {@code temperature}
     */
    protected static Setting<Double> temperature(double defaultValue) {
        return Setting.real("temperature", defaultValue, v -> v > 0, "temperature > 0", "the temperature τ");
    }

    /**
     * Creates the loss from its declared settings, which include a {@code temperature}.
     *
     * @param settings the validated settings
     */
    protected TemperatureLoss(Settings settings) {
        super(settings);
        this.temperature = settings.find("temperature", Double.class);
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
}
