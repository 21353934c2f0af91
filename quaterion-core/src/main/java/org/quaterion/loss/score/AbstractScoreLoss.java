package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * The pipeline shared by the cross-encoder losses: {@link ScoreBatch} validates the inputs, a loss computes its
 * scalar from them; the config is the declared settings.
 */
abstract class AbstractScoreLoss implements ScoreLoss, Configurable {

    private final Settings settings;

    /**
     * Creates a loss from its declared settings.
     *
     * @param settings the validated settings
     */
    AbstractScoreLoss(Settings settings) {
        this.settings = settings;
    }

    /**
     * The {@code activation_fn} setting with a loss's default.
     *
     * @param defaultValue sentence-transformers' default for the loss
     * @return the setting
     */
    static Setting<ScoreActivation> activation(ScoreActivation defaultValue) {
        return Setting.choice("activation_fn", defaultValue, "applied to the logits before the loss "
                + "(sentence-transformers' activation_fn)");
    }

    @Override
    public final NDArray forward(NDArray scores, NDArray targets, NDArray groups) {
        return compute(ScoreBatch.of(getClass().getSimpleName(), scores, targets, groups));
    }

    /**
     * The loss on validated inputs.
     *
     * @param batch the inputs
     * @return the scalar loss
     */
    abstract NDArray compute(ScoreBatch batch);

    /**
     * The loss when the batch holds nothing to learn from: 0, connected to the scores' graph.
     *
     * @param scores the scores
     * @return the scalar 0
     */
    static NDArray zero(NDArray scores) {
        return Scalars.mul(scores.sum(), 0);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public JsonObject config() {
        return settings.toJson();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + config();
    }
}
