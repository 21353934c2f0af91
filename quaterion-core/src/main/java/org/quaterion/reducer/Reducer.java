package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/**
 * Turns unreduced losses (per element, pair or triplet) into one scalar, with pytorch-metric-learning's semantics.
 *
 * <p>Reduction is split into {@link #accumulate} (a graph-connected partial sum and a count, computable block by
 * block so that batch-all losses never materialise O(B³) tensors) and {@link #finish}. When nothing is counted the
 * result is {@code zero}: a 0 that stays connected to the graph, never NaN.
 */
public interface Reducer {

    /**
     * The partial sum and count of one block of losses.
     *
     * @param losses unreduced losses of any shape
     * @return the block's aggregate
     */
    Aggregate accumulate(NDArray losses);

    /**
     * Turns the total aggregate into the reduced loss.
     *
     * @param total the sum of all blocks' aggregates
     * @param zero a graph-connected scalar 0, returned when the count is 0
     * @return the scalar loss
     */
    default NDArray finish(Aggregate total, NDArray zero) {
        if (total == null || total.count() <= 0) {
            return zero;
        }
        return total.sum().div(total.count());
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
     * The reducer's JSON-able name.
     *
     * @return e.g. {@code "mean"}
     */
    String name();
}
