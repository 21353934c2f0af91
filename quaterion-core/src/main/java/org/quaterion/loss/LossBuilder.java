package org.quaterion.loss;

import org.quaterion.distance.Distance;
import org.quaterion.reducer.Reducer;

/**
 * Base of the loss builders, in DJL's convention: {@code setX} for a required setting, {@code optX} for one with a
 * default (the reference library's), then {@link #build()}. Every loss with three or more settings is built this way,
 * so that settings are named at the call site ({@code ContrastiveLoss.builder().optPosMargin(0).optNegMargin(1)}),
 * never told apart by their position.
 *
 * <p>{@link #optDistance} and {@link #optReducer} exist on every builder; a loss without that setting (a loss that
 * compares embeddings with class weights has no distance; one that reduces as its reference does has no reducer)
 * refuses it in {@link #build()} with a message, rather than ignore it.
 *
 * @param <L> the loss
 * @param <B> the concrete builder
 */
public abstract class LossBuilder<L extends SimilarityLoss, B extends LossBuilder<L, B>> {

    private Distance distance;
    private Reducer reducer;

    /** Creates a builder with the reference defaults. */
    protected LossBuilder() {}

    /**
     * Sets the distance between embeddings (default: the loss's reference distance).
     *
     * @param distance the distance, or null for the default
     * @return this builder
     */
    public final B optDistance(Distance distance) {
        this.distance = distance;
        return self();
    }

    /**
     * Sets the reducer of the unreduced losses (default: the loss's reference reducer).
     *
     * @param reducer the reducer, or null for the default
     * @return this builder
     */
    public final B optReducer(Reducer reducer) {
        this.reducer = reducer;
        return self();
    }

    /**
     * The distance set, or null for the loss's default.
     *
     * @return the distance or null
     */
    public final Distance distance() {
        return distance;
    }

    /**
     * The reducer set, or null for the loss's default.
     *
     * @return the reducer or null
     */
    public final Reducer reducer() {
        return reducer;
    }

    /**
     * Builds the loss, refusing a distance or reducer that it has no use for.
     *
     * @return the loss
     * @throws IllegalArgumentException when a setting is out of range or not used by this loss
     */
    public final L build() {
        L loss = create();
        String name = loss.getClass().getSimpleName();
        if (reducer != null && !(loss instanceof BaseLoss<?> b && b.reducer() == reducer)) {
            throw new IllegalArgumentException(name + " has no reducer setting: it reduces as its reference does; "
                    + "remove optReducer");
        }
        Distance used = loss instanceof BaseLoss<?> b ? b.distance() : null;
        if (distance != null && used != distance) {
            throw new IllegalArgumentException(name + " has no distance setting: it compares embeddings with its "
                    + "class weights; remove optDistance");
        }
        return loss;
    }

    /**
     * Creates the loss from this builder's settings.
     *
     * @return the loss
     */
    protected abstract L create();

    /**
     * This builder, typed, for setters that return it.
     *
     * @return this
     */
    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this; // B is the concrete builder by construction (B extends LossBuilder<L, B>)
    }
}
