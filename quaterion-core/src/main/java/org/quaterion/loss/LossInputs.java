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
 * @param matrix a precomputed {@code (n, m)} distance matrix that replaces the embeddings ({@link #ofMatrix}), or
 *     null; the embeddings are then null
 */
public record LossInputs(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels,
        boolean selfRef, IndexTuples tuples, NDArray zero, NDArray matrix) implements BaseLoss.Inputs<LossInputs> {

    /**
     * Inputs computed from embeddings (no precomputed matrix).
     *
     * @param embeddings {@code (n, d)} floating embeddings
     * @param labels {@code (n)} INT64 group labels
     * @param refEmbeddings {@code (m, d)} references
     * @param refLabels {@code (m)} INT64 reference labels
     * @param selfRef whether the references are the embeddings
     * @param tuples mined tuples, or null
     * @param zero a graph-connected scalar 0
     */
    public LossInputs(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels, boolean selfRef,
            IndexTuples tuples, NDArray zero) {
        this(embeddings, labels, refEmbeddings, refLabels, selfRef, tuples, zero, null);
    }

    /**
     * The number of anchors (rows of the distance matrix).
     *
     * @return n
     */
    public long rows() {
        return labels.getShape().get(0);
    }

    /**
     * The number of references (columns of the distance matrix).
     *
     * @return m
     */
    public long refRows() {
        return refLabels.getShape().get(0);
    }

    /**
     * The same inputs with the embeddings and the references transformed (the references stay the embeddings
     * themselves when they were).
     *
     * @param transform applied to each embedding array
     * @return the transformed inputs
     */
    @Override
    public LossInputs mapEmbeddings(UnaryOperator<NDArray> transform) {
        if (matrix != null) {
            throw new IllegalArgumentException("inputs given as a precomputed distance matrix have no embeddings to "
                    + "transform; pass the embeddings instead");
        }
        NDArray e = transform.apply(embeddings);
        return new LossInputs(e, labels, selfRef ? e : transform.apply(refEmbeddings), refLabels, selfRef, tuples,
                zero);
    }

    /**
     * The {@code (n, m)} distance matrix of the embeddings against the references (the precomputed one, when given).
     *
     * @param distance the distance
     * @return the distances
     */
    public NDArray distances(Distance distance) {
        return matrix != null ? matrix : distance.matrix(embeddings, refEmbeddings);
    }

    /**
     * The {@code (n, m)} similarity matrix of the embeddings against the references (of the precomputed distances,
     * when given: {@link Distance#toSimilarity}).
     *
     * @param distance the distance whose similarity is used
     * @return the similarities
     */
    public NDArray similarities(Distance distance) {
        return matrix != null ? distance.toSimilarity(matrix) : distance.similarityMatrix(embeddings, refEmbeddings);
    }

    /**
     * Validates and builds inputs from a precomputed distance matrix instead of embeddings (PML 3's {@code mat}):
     * one matrix can serve several losses, or depend on per-batch data a {@link Distance} does not see. It must be
     * what the loss's distance would compute ({@code distance.matrix(x, y)}: for cosine {@code 1 − cos}, for a dot
     * product {@code −x·y}) and carry the graph to the parameters being trained.
     *
     * @param matrix {@code (n, m)} distances of the anchors to the references
     * @param labels {@code (n)} integer anchor labels
     * @param refLabels {@code (m)} reference labels, or null when the references are the anchors themselves (the
     *     matrix is then square and its diagonal is the self pairs)
     * @param tuples mined tuples, or null for all
     * @param who the loss name, for messages
     * @return the inputs
     */
    public static LossInputs ofMatrix(NDArray matrix, NDArray labels, NDArray refLabels, IndexTuples tuples,
            String who) {
        if (matrix == null || matrix.getShape().dimension() != 2 || !matrix.getDataType().isFloating()) {
            throw new IllegalArgumentException(who + ": a distance matrix must be a floating (n, m) array, got "
                    + (matrix == null ? null : matrix.getShape() + " " + matrix.getDataType()));
        }
        if (labels == null || labels.getShape().dimension() != 1 || labels.size() != matrix.getShape().get(0)
                || !labels.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": labels must be (n) = (" + matrix.getShape().get(0)
                    + ") integers for a distance matrix " + matrix.getShape() + ", got "
                    + (labels == null ? null : labels.getShape() + " " + labels.getDataType()));
        }
        NDArray l = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        NDArray zero = finiteZero(matrix, who);
        if (refLabels == null) {
            if (matrix.getShape().get(0) != matrix.getShape().get(1)) {
                throw new IllegalArgumentException(who + ": a distance matrix of the batch with itself must be square, "
                        + "got " + matrix.getShape() + "; give refLabels for a matrix against references");
            }
            return new LossInputs(null, l, null, l, true, tuples, zero, matrix);
        }
        if (refLabels.getShape().dimension() != 1 || refLabels.size() != matrix.getShape().get(1)
                || !refLabels.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": refLabels must be (m) = (" + matrix.getShape().get(1)
                    + ") integers for a distance matrix " + matrix.getShape() + ", got " + refLabels.getShape() + " "
                    + refLabels.getDataType());
        }
        NDArray rl = refLabels.getDataType() == DataType.INT64 ? refLabels : refLabels.toType(DataType.INT64, false);
        return new LossInputs(null, l, null, rl, false, tuples, zero, matrix);
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
