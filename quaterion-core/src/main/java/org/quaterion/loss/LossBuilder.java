package org.quaterion.loss;

import org.quaterion.distance.Distance;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.SettingsBuilder;

/**
 * Base of the loss builders, in DJL's convention: {@code setX} for a required setting, {@code optX} for one with a
 * default (the reference library's), then {@link #build()}. Each setter is one line over the loss's declared
 * settings ({@code optMargin(m) { return set(MARGIN, m); }}); defaults, ranges and the refusal of settings a loss does
 * not have come from the declaration ({@link ComponentSpec}).
 *
 * <p>{@link #optDistance} and {@link #optReducer} exist on every builder; a loss without that setting (a loss that
 * compares embeddings with class weights has no distance; one that reduces as its reference does has no reducer)
 * refuses it with a message, rather than ignore it.
 *
 * @param <L> the loss
 * @param <B> the concrete builder
 */
public abstract class LossBuilder<L extends SimilarityLoss, B extends LossBuilder<L, B>> extends SettingsBuilder<L, B> {

    /**
     * Creates a builder with the declared defaults.
     *
     * @param spec the loss's declaration
     */
    protected LossBuilder(ComponentSpec<? extends L> spec) {
        super(spec);
    }

    /**
     * Sets the distance between embeddings (default: the loss's reference distance).
     *
     * @param distance the distance, or null for the default
     * @return this builder
     * @throws IllegalArgumentException when the loss has no distance setting
     */
    public final B optDistance(Distance distance) {
        return set("distance", distance, "optDistance");
    }

    /**
     * Sets the reducer of the unreduced losses (default: the loss's reference reducer).
     *
     * @param reducer the reducer, or null for the default
     * @return this builder
     * @throws IllegalArgumentException when the loss has no reducer setting
     */
    public final B optReducer(Reducer reducer) {
        return set("reducer", reducer, "optReducer");
    }
}
