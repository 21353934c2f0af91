package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.internal.Inputs;
import org.quaterion.settings.Configurable;

/**
 * Selects informative tuples from a batch. A miner returns indices only and computes no gradient; the loss it
 * feeds computes on the selected tuples (PML's miner contract).
 */
public interface Miner {

    /**
     * Mines tuples of anchors against references (the batch itself, or a cross-batch memory).
     *
     * @param embeddings {@code (n, d)} anchors
     * @param labels {@code (n)} INT64 labels
     * @param refEmbeddings {@code (m, d)} references; the same object as {@code embeddings} for in-batch mining
     * @param refLabels {@code (m)} INT64 labels
     * @return the mined tuples
     */
    IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels);

    /**
     * Mines tuples within a batch.
     *
     * @param embeddings {@code (n, d)}
     * @param labels {@code (n)} INT64 labels
     * @return the mined tuples
     */
    default IndexTuples mine(NDArray embeddings, NDArray labels) {
        Inputs.check(embeddings, labels, "miner");
        return mine(embeddings, labels, embeddings, labels);
    }

    /**
     * The miner's settings, recorded with the model's training history; its registry name is in
     * {@code ComponentRegistry.describe}.
     *
     * @return the declared settings of a built-in miner; empty for a miner without declared settings
     */
    default JsonObject config() {
        return this instanceof Configurable c ? c.settings().toJson() : new JsonObject();
    }
}
