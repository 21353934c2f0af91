package org.quaterion.loss.score;

import org.quaterion.loss.LossBuilder;
import org.quaterion.settings.ComponentSpec;

/**
 * Base of the cross-encoder loss builders: the {@code activation_fn} every one of them has (each with its own
 * default), over the loss's declared settings.
 *
 * @param <L> the loss
 * @param <B> the concrete builder
 */
public abstract class ScoreLossBuilder<L extends ScoreLoss, B extends ScoreLossBuilder<L, B>> extends LossBuilder<L, B> {

    /**
     * Creates a builder with the declared defaults.
     *
     * @param spec the loss's declaration
     */
    ScoreLossBuilder(ComponentSpec<? extends L> spec) {
        super(spec);
    }

    /**
     * Sets the activation applied to the logits first (default: the loss's, as sentence-transformers).
     *
     * @param activation the activation, or null for the default
     * @return this builder
     */
    public final B optActivationFn(ScoreActivation activation) {
        return set("activation_fn", activation, "optActivationFn");
    }
}
