package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.UnaryOperator;

/**
 * The validated inputs of one pair-loss call, in Quaterion's layout ({@link org.quaterion.dataset.PairBatch}):
 * embedding rows of both sides of the batch's pairs, the pairs as row indices, one score per pair, optional subgroups
 * (rows of different subgroups are negatives of each other), optional explicit negatives (extra rows, each a known
 * negative of one pair's first member) and optional distillation targets (a teacher embedding per pair, a teacher
 * score margin per explicit negative).
 *
 * @param embeddings {@code (2n + k, d)} floating embeddings
 * @param pairs {@code (n, 2)} INT64 row indices
 * @param scores {@code (n)} pair scores in the embeddings' type (1 similar, 0 dissimilar, or graded)
 * @param subgroups {@code (2n + k)} INT64 subgroup ids, or null for a single subgroup
 * @param negatives {@code (k, 2)} INT64 (pair index, row index) of each explicit negative, or null for none
 * @param zero a graph-connected scalar 0 (the loss when nothing can be learned)
 * @param teacherEmbeddings {@code (n, d_T)} each pair's teacher embedding in the embeddings' type, or null for none
 * @param teacherMargins {@code (k)} each explicit negative's teacher margin in the embeddings' type, or null for none
 */
public record PairInputs(NDArray embeddings, NDArray pairs, NDArray scores, NDArray subgroups, NDArray negatives,
        NDArray zero, NDArray teacherEmbeddings, NDArray teacherMargins) implements BaseLoss.Inputs<PairInputs> {

    /**
     * Validates and builds the inputs.
     *
     * @param embeddings {@code (2n + k, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param scores {@code (n)} pair scores
     * @param subgroups {@code (2n + k)} integer subgroup ids, or null for a single subgroup
     * @param negatives {@code (k, 2)} integer (pair index, row index) of each explicit negative, or null (or empty)
     *     for none
     * @param who the loss name, for messages
     * @return the inputs
     * @throws IllegalArgumentException on bad input (shapes, types, indices out of range, NaN)
     */
    public static PairInputs of(NDArray embeddings, NDArray pairs, NDArray scores, NDArray subgroups,
            NDArray negatives, String who) {
        return of(embeddings, pairs, scores, subgroups, negatives, null, null, who);
    }

    /**
     * Validates and builds the inputs with distillation targets.
     *
     * @param embeddings {@code (2n + k, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param scores {@code (n)} pair scores
     * @param subgroups {@code (2n + k)} integer subgroup ids, or null for a single subgroup
     * @param negatives {@code (k, 2)} integer (pair index, row index) of each explicit negative, or null (or empty)
     *     for none
     * @param teacherEmbeddings {@code (n, d_T)} floating teacher embeddings, one per pair, or null for none
     * @param teacherMargins {@code (k)} teacher margins, one per explicit negative, or null for none
     * @param who the loss name, for messages
     * @return the inputs
     * @throws IllegalArgumentException on bad input (shapes, types, indices out of range, NaN, targets that do not
     *     match the pairs or the negatives)
     */
    public static PairInputs of(NDArray embeddings, NDArray pairs, NDArray scores, NDArray subgroups,
            NDArray negatives, NDArray teacherEmbeddings, NDArray teacherMargins, String who) {
        if (embeddings == null || pairs == null || scores == null) {
            throw new IllegalArgumentException(who + ": embeddings, pairs and labels must not be null");
        }
        if (embeddings.getShape().dimension() != 2 || !embeddings.getDataType().isFloating()) {
            throw new IllegalArgumentException(who + ": embeddings must be floating (2n, d), got "
                    + embeddings.getShape() + " " + embeddings.getDataType());
        }
        if (pairs.getShape().dimension() != 2 || pairs.getShape().get(1) != 2 || !pairs.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": pairs must be integer (n, 2), got " + pairs.getShape() + " "
                    + pairs.getDataType());
        }
        long n = pairs.getShape().get(0);
        if (scores.getShape().dimension() != 1 || scores.size() != n) {
            throw new IllegalArgumentException(who + ": labels must be (n) = (" + n + "), one score per pair, got "
                    + scores.getShape());
        }
        long rows = embeddings.getShape().get(0);
        if (subgroups != null && (subgroups.getShape().dimension() != 1 || subgroups.size() != rows)) {
            throw new IllegalArgumentException(who + ": subgroups must be (" + rows + "), one per embedding row, got "
                    + subgroups.getShape());
        }
        NDArray p = pairs.toType(DataType.INT64, false);
        if (n > 0 && (p.min().getLong() < 0 || p.max().getLong() >= rows)) {
            throw new IllegalArgumentException(who + ": pair indices must be in [0, " + rows + "), got ["
                    + p.min().getLong() + ", " + p.max().getLong() + "]");
        }
        NDArray zero = LossInputs.finiteZero(embeddings, who);
        NDArray s = scores.toType(embeddings.getDataType(), false);
        if (s.isNaN().any().getBoolean()) {
            throw new IllegalArgumentException(who + ": labels contain NaN");
        }
        NDArray groups = subgroups == null ? null : subgroups.toType(DataType.INT64, false);
        NDArray neg = checkNegatives(negatives, n, rows, who);
        DataType type = embeddings.getDataType();
        return new PairInputs(embeddings, p, s, groups, neg, zero, checkTeacherEmbeddings(teacherEmbeddings, n, type,
                who), checkTeacherMargins(teacherMargins, neg == null ? 0 : neg.getShape().get(0), type, who));
    }

    private static NDArray checkTeacherEmbeddings(NDArray teacher, long n, DataType type, String who) {
        if (teacher == null) {
            return null;
        }
        if (teacher.getShape().dimension() != 2 || teacher.getShape().get(0) != n
                || !teacher.getDataType().isFloating()) {
            throw new IllegalArgumentException(who + ": teacher embeddings must be floating (n, d_T) = (" + n
                    + ", d_T), one per pair, got " + teacher.getShape() + " " + teacher.getDataType());
        }
        NDArray t = teacher.toType(type, false);
        if (t.isInfinite().logicalOr(t.isNaN()).any().getBoolean()) {
            throw new IllegalArgumentException(who + ": teacher embeddings contain NaN or infinite values");
        }
        return t;
    }

    private static NDArray checkTeacherMargins(NDArray margins, long k, DataType type, String who) {
        if (margins == null) {
            return null;
        }
        if (margins.getShape().dimension() != 1 || margins.size() != k || k == 0) {
            throw new IllegalArgumentException(who + ": teacher margins must be (k) = (" + k + "), one per explicit "
                    + "negative, got " + margins.getShape()
                    + (k == 0 ? " for a batch without explicit negatives" : ""));
        }
        NDArray m = margins.toType(type, false);
        if (m.isInfinite().logicalOr(m.isNaN()).any().getBoolean()) {
            throw new IllegalArgumentException(who + ": teacher margins contain NaN or infinite values");
        }
        return m;
    }

    private static NDArray checkNegatives(NDArray negatives, long n, long rows, String who) {
        if (negatives == null || negatives.size() == 0) {
            return null;
        }
        if (negatives.getShape().dimension() != 2 || negatives.getShape().get(1) != 2
                || !negatives.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": negatives must be integer (k, 2) (pair index, row index), got "
                    + negatives.getShape() + " " + negatives.getDataType());
        }
        NDArray neg = negatives.toType(DataType.INT64, false);
        NDArray owners = neg.get(":, 0");
        NDArray negRows = neg.get(":, 1");
        if (owners.lt(0).logicalOr(owners.gte(n)).logicalOr(negRows.lt(0)).logicalOr(negRows.gte(rows)).any()
                .getBoolean()) {
            throw new IllegalArgumentException(who + ": negatives must name pairs in [0, " + n + ") and rows in [0, "
                    + rows + ")");
        }
        return neg;
    }

    /**
     * The number of pairs n.
     *
     * @return n
     */
    public long size() {
        return pairs.getShape().get(0);
    }

    /**
     * Whether the batch has explicit negatives.
     *
     * @return true when {@link #negatives()} is not null
     */
    public boolean hasNegatives() {
        return negatives != null;
    }

    /**
     * The pair whose first member each explicit negative belongs to.
     *
     * @return {@code (k)} INT64
     * @throws IllegalStateException without explicit negatives
     */
    public NDArray negativeOwners() {
        return requireNegatives().get(":, 0");
    }

    /**
     * The explicit negatives' rows.
     *
     * @return {@code (k)} INT64
     * @throws IllegalStateException without explicit negatives
     */
    public NDArray negativeRows() {
        return requireNegatives().get(":, 1");
    }

    private NDArray requireNegatives() {
        if (negatives == null) {
            throw new IllegalStateException("these pair inputs have no explicit negatives; check hasNegatives()");
        }
        return negatives;
    }

    /**
     * The embeddings of the pairs' first members.
     *
     * @return {@code (n, d)}
     */
    public NDArray left() {
        return embeddings.get(pairs.get(":, 0"));
    }

    /**
     * The embeddings of the pairs' second members.
     *
     * @return {@code (n, d)}
     */
    public NDArray right() {
        return embeddings.get(pairs.get(":, 1"));
    }

    /**
     * The same batch with other pairs and scores (e.g. explicit negatives turned into dissimilar pairs).
     *
     * @param newPairs {@code (n', 2)} INT64 row indices
     * @param newScores {@code (n')} scores in the embeddings' type
     * @return the inputs, without explicit negatives
     */
    public PairInputs withPairs(NDArray newPairs, NDArray newScores) {
        return new PairInputs(embeddings, newPairs, newScores, subgroups, null, zero, null, null);
    }

    /**
     * Whether the batch has teacher embeddings.
     *
     * @return true when {@link #teacherEmbeddings()} is not null
     */
    public boolean hasTeacherEmbeddings() {
        return teacherEmbeddings != null;
    }

    /**
     * Whether the batch has teacher margins.
     *
     * @return true when {@link #teacherMargins()} is not null
     */
    public boolean hasTeacherMargins() {
        return teacherMargins != null;
    }

    /** {@inheritDoc} The teacher targets are kept as they are. */
    @Override
    public PairInputs mapEmbeddings(UnaryOperator<NDArray> transform) {
        return new PairInputs(transform.apply(embeddings), pairs, scores, subgroups, negatives, zero,
                teacherEmbeddings, teacherMargins);
    }
}
