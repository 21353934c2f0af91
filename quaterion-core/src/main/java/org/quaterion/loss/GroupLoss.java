package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;
import org.quaterion.miner.IndexTuples;

/**
 * A loss over embeddings with group (class) labels, Quaterion's {@code GroupLoss}; the base runs PML's pipeline:
 * validate, (optionally) take mined tuples and reference embeddings, compute, reduce.
 *
 * <p>Inputs: embeddings {@code (n, d)}, groups {@code (n)} integers. Output: a scalar that never scales with the
 * batch size and is a graph-connected 0 (finite gradient) when nothing can be learned. Bad input (wrong shapes,
 * NaN/Inf, non-integer labels) raises {@link IllegalArgumentException}. Losses with parameters (class weights,
 * proxies, centres) expose them through {@link #parameters()} so a trainer optimises them automatically.
 */
public abstract class GroupLoss implements SimilarityLoss {

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
    public NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refGroups) {
        if (tuples != null && !usesMinedTuples()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " cannot use mined tuples: "
                    + minedTuplesIgnoredBecause() + "; call forward without tuples");
        }
        return compute(LossInputs.of(embeddings, groups, tuples, refEmbeddings, refGroups,
                getClass().getSimpleName()));
    }

    /**
     * Whether {@link #compute} honours mined tuples. A loss that does not (its mining is internal, or it compares
     * embeddings with class weights) rejects them, in {@code forward} and when a model configures a miner, instead of
     * ignoring them silently.
     *
     * @return true by default
     */
    public boolean usesMinedTuples() {
        return true;
    }

    /**
     * Why this loss cannot use mined tuples, for the message (only when {@link #usesMinedTuples()} is false).
     *
     * @return a short reason
     */
    public String minedTuplesIgnoredBecause() {
        return "it does not take mined tuples";
    }

    /**
     * The loss itself, on validated inputs.
     *
     * @param in the inputs
     * @return the scalar loss
     */
    protected abstract NDArray compute(LossInputs in);

    /**
     * The loss's own trainable parameters (empty unless it has class weights, proxies, centres, …).
     *
     * @return the parameters
     */
    public ParameterList parameters() {
        return new ParameterList();
    }

    /**
     * Creates the loss's parameters, if any, on the manager's device in the given type; idempotent.
     *
     * @param manager the owner of the parameters
     * @param dataType FLOAT32 or FLOAT64
     */
    public void initialize(NDManager manager, DataType dataType) {}

    @Override
    public String toString() {
        return getClass().getSimpleName() + config();
    }

    /**
     * A JSON object with a {@code distance} member.
     *
     * @param distance the distance
     * @return the config to extend
     */
    protected static JsonObject configWith(org.quaterion.distance.Distance distance) {
        JsonObject json = new JsonObject();
        json.add("distance", distance.config());
        return json;
    }
}
