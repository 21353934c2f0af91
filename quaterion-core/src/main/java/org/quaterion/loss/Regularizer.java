package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.Configurable;

/**
 * A penalty on a set of rows — the batch's embeddings, or a {@link ClassWeightLoss}'s class weights, proxies or
 * centres — added to a loss by {@link RegularizedLoss}, as pytorch-metric-learning's regularizers
 * ({@code embedding_regularizer}, {@code weight_regularizer}). Each has a registry name and declared settings
 * ({@link Regularizers#SPECS}): {@link LpRegularizer} ({@code lp}), {@link CenterInvariantRegularizer}
 * ({@code center_invariant}), {@link RegularFaceRegularizer} ({@code regular_face}),
 * {@link SparseCentersRegularizer} ({@code sparse_centers}), {@link ZeroMeanRegularizer} ({@code zero_mean}).
 */
public interface Regularizer extends Configurable {

    /**
     * The penalty, reduced as PML's regularizer reduces it (the mean over rows unless the regularizer says
     * otherwise).
     *
     * @param rows {@code (n, d)}
     * @return the scalar penalty, connected to {@code rows}' graph
     * @throws IllegalArgumentException when the rows cannot be regularized this way (too few, wrong count)
     */
    NDArray compute(NDArray rows);

    /**
     * Checks, when the regularizer is attached to a loss's weight matrix, that it fits it; by default any matrix
     * does.
     *
     * @param rows the weight matrix's rows
     * @param owner the loss, for the message
     * @throws IllegalArgumentException when it does not fit, naming the fix
     */
    default void checkWeightRows(long rows, String owner) {}

    /**
     * The registry name.
     *
     * @return e.g. {@code "lp"}
     */
    default String name() {
        return settings().spec().name();
    }
}
