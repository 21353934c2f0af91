package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.models.tensor.Scalars;

/**
 * Turns unreduced losses (per element, pair or triplet) into one scalar, with pytorch-metric-learning's semantics.
 *
 * <p>A reducer is defined by which losses it counts ({@link #keep}) and how it finishes: the mean over counted
 * losses by default. Reduction is split into {@link #accumulate} (a graph-connected partial sum and a count,
 * computable block by block so that batch-all losses never keep O(B³) tensors) and {@link #finish}. When nothing
 * is counted the result is {@code zero}: a 0 that stays connected to the graph, never NaN.
 */
public interface Reducer {

    /**
     * Which losses are counted (in the sum and the denominator).
     *
     * @param losses unreduced losses
     * @return a boolean mask of the same shape, or null to count all
     */
    NDArray keep(NDArray losses);

    /**
     * The partial sum and count of one block of losses.
     *
     * @param losses unreduced losses of any shape
     * @return the block's aggregate
     */
    default Aggregate accumulate(NDArray losses) {
        NDArray keep = keep(losses);
        if (keep == null) {
            return Aggregate.of(losses.sum(), losses.size());
        }
        return Aggregate.of(NDArrays.where(keep, losses, Scalars.of(losses, 0)).sum(), keep);
    }

    /**
     * The partial sum and count of the losses selected by a mask (no gather: the mask is combined with
     * {@link #keep}).
     *
     * @param losses unreduced losses
     * @param mask boolean mask of the same shape selecting the losses that exist
     * @return the aggregate
     */
    default Aggregate accumulate(NDArray losses, NDArray mask) {
        NDArray keep = keep(losses);
        NDArray counted = keep == null ? mask : mask.logicalAnd(keep);
        return Aggregate.of(NDArrays.where(counted, losses, Scalars.of(losses, 0)).sum(), counted);
    }

    /**
     * Reduces the losses selected by a mask.
     *
     * @param losses unreduced losses
     * @param mask boolean mask of the same shape
     * @param zero a graph-connected scalar 0
     * @return the scalar loss
     */
    default NDArray reduce(NDArray losses, NDArray mask, NDArray zero) {
        return finish(accumulate(losses, mask), zero);
    }

    /**
     * Turns the total aggregate into the reduced loss: the sum over the count by default. A count of 0 gives 0
     * (the sum of nothing over 1), still connected to the graph, decided on the device without a host read.
     *
     * @param total the sum of all blocks' aggregates, or null for none
     * @param zero a graph-connected scalar 0, returned when there is no aggregate
     * @return the scalar loss
     */
    default NDArray finish(Aggregate total, NDArray zero) {
        if (total == null || total.sum() == null) {
            return zero;
        }
        return total.sum().div(Scalars.max(total.count(), 1).toType(total.sum().getDataType(), false));
    }

    /**
     * Reduces losses in one go.
     *
     * @param losses unreduced losses
     * @param zero a graph-connected scalar 0
     * @return the scalar loss
     */
    default NDArray reduce(NDArray losses, NDArray zero) {
        if (losses == null || losses.size() == 0) {
            return zero;
        }
        return finish(accumulate(losses), zero);
    }

    /**
     * Reduces one part of a loss with what the loss says of its losses (PML's {@code reduce_the_loss}): by default
     * the losses selected by the mask, through {@link #accumulate} and {@link #finish}. A reducer that needs the
     * reduction type or the anchors (class weights, per-anchor means) overrides this, and refuses terms it cannot
     * serve with a message.
     *
     * @param terms the losses and what is known of them
     * @param zero a graph-connected scalar 0
     * @return the reduced loss: a scalar, except for {@link DoNothingReducer}
     */
    default NDArray reduce(Terms terms, NDArray zero) {
        return terms.mask() == null ? reduce(terms.losses(), zero) : reduce(terms.losses(), terms.mask(), zero);
    }

    /**
     * Whether {@link #keep}, {@link #accumulate} and {@link #finish} define this reducer entirely, so that a loss may
     * reduce block by block with them instead of materialising every loss (all triplets of a batch).
     *
     * @return true for the counting reducers (mean, sum, average over non-zero, threshold)
     */
    default boolean elementwise() {
        return true;
    }

    /**
     * Whether the result is one scalar (false for {@link DoNothingReducer}, which returns the losses themselves).
     *
     * @return true by default
     */
    default boolean toScalar() {
        return true;
    }

    /**
     * The reducer of one named part of a loss (PML's sub-losses, e.g. {@code pos_loss} and {@code neg_loss} of a
     * contrastive loss): this reducer itself, except for {@link MultipleReducers}.
     *
     * @param part the part's name
     * @return the reducer of that part
     */
    default Reducer forPart(String part) {
        return this;
    }

    /**
     * Refuses a loss whose parts this reducer cannot reduce (e.g. a part name configured that the loss does not
     * have). Nothing to check by default.
     *
     * @param parts the loss's part names
     * @param who the loss, for the message
     */
    default void checkParts(java.util.List<String> parts, String who) {}

    /**
     * The reducer's registry name.
     *
     * @return e.g. {@code "mean"}; a reducer with declared settings returns its spec's name
     */
    default String name() {
        return this instanceof org.quaterion.settings.Configurable c ? c.settings().spec().name()
                : getClass().getSimpleName();
    }
}
