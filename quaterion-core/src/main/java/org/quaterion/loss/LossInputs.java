package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.UnaryOperator;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Inputs;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;

/**
 * The validated inputs of one group-loss call: embeddings with group labels, the references they are compared
 * with (the batch itself, or a cross-batch memory) and optionally mined tuples.
 *
 * @param embeddings {@code (n, d)} floating embeddings
 * @param labels {@code (n)} INT64 group labels
 * @param refEmbeddings {@code (m, d)} references (the embeddings themselves unless a memory is used)
 * @param refLabels {@code (m)} INT64 reference labels
 * @param selfRef whether the references are the embeddings (self pairs are then excluded)
 * @param tuples mined tuples, or null for all tuples
 * @param zero a graph-connected scalar 0 (the loss when nothing can be learned)
 */
public record LossInputs(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels,
        boolean selfRef, IndexTuples tuples, NDArray zero) implements BaseLoss.Inputs<LossInputs> {

    /**
     * The same inputs with the embeddings and the references transformed (the references stay the embeddings
     * themselves when they were).
     *
     * @param transform applied to each embedding array
     * @return the transformed inputs
     */
    @Override
    public LossInputs mapEmbeddings(UnaryOperator<NDArray> transform) {
        NDArray e = transform.apply(embeddings);
        return new LossInputs(e, labels, selfRef ? e : transform.apply(refEmbeddings), refLabels, selfRef, tuples,
                zero);
    }

    /**
     * The {@code (n, m)} distance matrix of the embeddings against the references.
     *
     * @param distance the distance
     * @return the distances
     */
    public NDArray distances(Distance distance) {
        return distance.matrix(embeddings, refEmbeddings);
    }

    /**
     * The {@code (n, m)} similarity matrix of the embeddings against the references.
     *
     * @param distance the distance whose similarity is used
     * @return the similarities
     */
    public NDArray similarities(Distance distance) {
        return distance.similarityMatrix(embeddings, refEmbeddings);
    }

    /**
     * Validates and builds the inputs.
     *
     * @param embeddings {@code (n, d)}
     * @param labels {@code (n)} integer labels
     * @param tuples mined tuples or null
     * @param refEmbeddings references or null
     * @param refLabels reference labels or null
     * @param who the loss name, for messages
     * @return the inputs
     */
    public static LossInputs of(NDArray embeddings, NDArray labels, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refLabels, String who) {
        NDArray l = Inputs.checkShapes(embeddings, labels, who);
        NDArray zero = finiteZero(embeddings, who);
        if ((refEmbeddings == null) != (refLabels == null)) {
            throw new IllegalArgumentException(who + ": give both refEmbeddings and refLabels, or neither");
        }
        if (refEmbeddings == null) {
            return new LossInputs(embeddings, l, embeddings, l, true, tuples, zero);
        }
        NDArray rl = Inputs.check(refEmbeddings, refLabels, who + " (references)");
        if (refEmbeddings.getShape().get(1) != embeddings.getShape().get(1)) {
            throw new IllegalArgumentException(who + ": reference embeddings have size " + refEmbeddings.getShape()
                    .get(1) + " but embeddings have " + embeddings.getShape().get(1));
        }
        return new LossInputs(embeddings, l, refEmbeddings, rl, refEmbeddings == embeddings, tuples, zero);
    }

    /**
     * Checks that the embeddings are finite with one reduction, and returns a graph-connected scalar 0 built from
     * the same sum.
     *
     * @param embeddings the embeddings
     * @param who the component name, for messages
     * @return {@code 0 · Σ embeddings}
     */
    public static NDArray finiteZero(NDArray embeddings, String who) {
        NDArray sum = embeddings.sum();
        if (!Double.isFinite(sum.toType(DataType.FLOAT64, false).getDouble())) {
            Inputs.checkFinite(embeddings, who);
        }
        return Scalars.mul(sum, 0);
    }
}
