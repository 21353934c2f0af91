package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.Settings;

/**
 * A loss over embeddings with group (class) labels, Quaterion's {@code GroupLoss}, on the {@link BaseLoss} pipeline:
 * validate, (optionally) take mined tuples and reference embeddings, compute the unreduced {@link LossTerms}, reduce
 * them as the loss's {@link Reduction} says.
 *
 * <p>Inputs: embeddings {@code (n, d)}, groups {@code (n)} integers. Output: a scalar that never scales with the
 * batch size and is a graph-connected 0 (finite gradient) when nothing can be learned. Bad input (wrong shapes,
 * NaN/Inf, non-integer labels) raises {@link IllegalArgumentException}. Losses with parameters (class weights,
 * proxies, centres) expose them through {@link #parameters()} so a trainer optimises them automatically.
 */
public abstract non-sealed class GroupLoss extends BaseLoss<LossInputs> {

    /** Creates the loss with {@link #defaultDistance()} and {@link #defaultReducer()}. */
    protected GroupLoss() {
        this(null, null);
    }

    /**
     * Creates the loss with its distance and reducer.
     *
     * @param distance the distance, or null for {@link #defaultDistance()}
     * @param reducer the reducer, or null for {@link #defaultReducer()} (none for {@link Reduction#ALREADY_REDUCED})
     */
    protected GroupLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    /**
     * Creates the loss from its declared settings: the distance and the reducer are its {@code distance} and
     * {@code reducer} settings when it declares them, else {@link #defaultDistance()} and {@link #defaultReducer()}.
     *
     * @param settings the validated settings; {@link #config()} writes them
     */
    protected GroupLoss(Settings settings) {
        super(settings, settings.find("distance", Distance.class), settings.find("reducer", Reducer.class));
    }

    /**
     * Creates a wrapper around a group loss.
     *
     * @param inner the wrapped loss
     */
    GroupLoss(GroupLoss inner) {
        super(inner);
    }

    /**
     * PML's default distance.
     *
     * @return normalised L2; null for a loss that compares with class weights instead
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.euclidean().normalized();
    }

    /**
     * Computes the loss over all tuples of the batch.
     *
     * @param embeddings {@code (n, d)}
     * @param groups {@code (n)} integer labels
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray groups) {
        return forward(embeddings, groups, null, null, null);
    }

    /**
     * Computes the loss over mined tuples.
     *
     * @param embeddings {@code (n, d)}
     * @param groups {@code (n)} integer labels
     * @param tuples mined tuples, or null for all
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples) {
        return forward(embeddings, groups, tuples, null, null);
    }

    /**
     * Computes the loss of the batch against reference embeddings (e.g. a cross-batch memory).
     *
     * @param embeddings {@code (n, d)} anchors
     * @param groups {@code (n)} labels
     * @param tuples mined tuples (anchor indices into embeddings, others into the references), or null for all
     * @param refEmbeddings {@code (m, d)} references, or null for the batch itself
     * @param refGroups {@code (m)} reference labels, or null
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refGroups) {
        refuseTuples(tuples);
        return forward(LossInputs.of(embeddings, groups, tuples, refEmbeddings, refGroups, name()));
    }

    /**
     * Computes the loss from a precomputed distance matrix of the batch with itself instead of embeddings (PML 3's
     * {@code mat}); see {@link LossInputs#ofMatrix} for what the matrix must hold.
     *
     * @param distances {@code (n, n)} distances, as this loss's {@link #distance()} computes them, with gradient
     * @param groups {@code (n)} integer labels
     * @param tuples mined tuples, or null for all
     * @return the scalar loss
     * @throws IllegalArgumentException when this loss needs the embeddings themselves
     */
    public final NDArray forwardMatrix(NDArray distances, NDArray groups, IndexTuples tuples) {
        return forwardMatrix(distances, groups, null, tuples);
    }

    /**
     * Computes the loss from a precomputed distance matrix of anchors against references.
     *
     * @param distances {@code (n, m)} distances, as this loss's {@link #distance()} computes them, with gradient
     * @param groups {@code (n)} anchor labels
     * @param refGroups {@code (m)} reference labels, or null for a square matrix of the batch with itself
     * @param tuples mined tuples (anchor rows, reference columns), or null for all
     * @return the scalar loss
     * @throws IllegalArgumentException when this loss needs the embeddings themselves
     */
    public final NDArray forwardMatrix(NDArray distances, NDArray groups, NDArray refGroups, IndexTuples tuples) {
        refuseMatrix();
        refuseTuples(tuples);
        return forward(LossInputs.ofMatrix(distances, groups, refGroups, tuples, name()));
    }

    /**
     * Whether {@link #compute} works from the distance matrix alone ({@link LossInputs#distances} or
     * {@link LossInputs#similarities}), so that {@link #forwardMatrix} can replace the embeddings. Losses against
     * class weights, wrappers and losses on the embeddings themselves say no, and refuse a matrix.
     *
     * @return false by default
     */
    public boolean acceptsDistanceMatrix() {
        return false;
    }

    private void refuseMatrix() {
        if (!acceptsDistanceMatrix()) {
            throw new IllegalArgumentException(name() + " cannot compute from a precomputed distance matrix: it needs "
                    + "the embeddings themselves; call forward with the embeddings");
        }
    }

    @Override
    final void check(LossInputs inputs) {
        if (inputs.matrix() != null) {
            refuseMatrix();
        }
        refuseTuples(inputs.tuples());
    }

    private void refuseTuples(IndexTuples tuples) {
        if (tuples != null && !usesMinedTuples()) {
            throw new IllegalArgumentException(name() + " cannot use mined tuples: "
                    + minedTuplesIgnoredBecause() + "; call forward without tuples");
        }
    }

    /**
     * Whether {@link #compute} honours mined tuples. A loss that does not (its mining is internal, or it compares
     * embeddings with class weights) rejects them, in {@code forward} and when a model configures a miner, instead of
     * ignoring them silently.
     *
     * @return true by default; a wrapper's inner loss's answer
     */
    public boolean usesMinedTuples() {
        return !(inner instanceof GroupLoss g) || g.usesMinedTuples();
    }

    /**
     * Why this loss cannot use mined tuples, for the message (only when {@link #usesMinedTuples()} is false).
     *
     * @return a short reason
     */
    public String minedTuplesIgnoredBecause() {
        return inner instanceof GroupLoss g ? g.minedTuplesIgnoredBecause() : "it does not take mined tuples";
    }
}
