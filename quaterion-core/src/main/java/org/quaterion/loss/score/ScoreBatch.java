package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The validated inputs of one {@link ScoreLoss} call: one score per pair as a vector, the targets in the scores'
 * type (and as Java numbers, to check them and to build constant masks), and the group ids with their layout.
 */
final class ScoreBatch {

    private final NDArray scores;
    private final NDArray targets;
    private final double[] targetValues;
    private final long[] groupIds;
    private ScoreGroups groups;

    private ScoreBatch(NDArray scores, NDArray targets, double[] targetValues, long[] groupIds) {
        this.scores = scores;
        this.targets = targets;
        this.targetValues = targetValues;
        this.groupIds = groupIds;
    }

    /**
     * Checks and reads a loss's inputs.
     *
     * @param loss the loss's name, for messages
     * @param scores {@code (n)} or {@code (n, 1)} float32/float64 scores
     * @param targets {@code (n)} finite targets
     * @param groups {@code (n)} integer group ids
     * @return the batch
     * @throws IllegalArgumentException naming what does not fit
     */
    static ScoreBatch of(String loss, NDArray scores, NDArray targets, NDArray groups) {
        if (scores == null || targets == null || groups == null) {
            throw new IllegalArgumentException(loss + " needs scores, targets and groups; got scores " + shape(scores)
                    + ", targets " + shape(targets) + ", groups " + shape(groups));
        }
        DataType type = scores.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
            throw new IllegalArgumentException(loss + " takes float32 or float64 scores, got " + type);
        }
        Shape s = scores.getShape();
        if (s.dimension() == 2 && s.get(1) != 1) {
            throw new IllegalArgumentException(loss + " takes one logit per pair, got scores of shape " + s + " ("
                    + s.get(1) + " labels per pair); give it a cross-encoder with one output (num_labels 1)");
        }
        if (s.dimension() != 1 && s.dimension() != 2) {
            throw new IllegalArgumentException(loss + " takes scores of shape (n) or (n, 1), got " + s);
        }
        long n = s.get(0);
        if (n == 0) {
            throw new IllegalArgumentException(loss + " got an empty batch (no pairs); give it at least one scored "
                    + "pair");
        }
        if (!targets.getShape().equals(new Shape(n))) {
            throw new IllegalArgumentException(loss + " needs one target per score: scores " + s + ", targets "
                    + targets.getShape() + "; pass targets of shape (" + n + ")");
        }
        if (!groups.getShape().equals(new Shape(n))) {
            throw new IllegalArgumentException(loss + " needs one group id per score: scores " + s + ", groups "
                    + groups.getShape() + "; pass groups of shape (" + n + ")");
        }
        if (groups.getDataType().isFloating() || groups.getDataType() == DataType.BOOLEAN) {
            throw new IllegalArgumentException(loss + " takes whole-number group ids (int64), got "
                    + groups.getDataType());
        }
        double[] values = targets.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(loss + " needs finite targets; target " + i + " is " + values[i]);
            }
        }
        NDArray vector = scores.reshape(n);
        if (vector.isNaN().logicalOr(vector.isInfinite()).any().getBoolean()) {
            throw new IllegalArgumentException(loss + " got a non-finite score: " + Arrays.toString(
                    vector.toType(DataType.FLOAT64, false).toDoubleArray()));
        }
        long[] ids = groups.toType(DataType.INT64, false).toLongArray();
        return new ScoreBatch(vector, targets.toType(type, false), values, ids);
    }

    private static String shape(NDArray a) {
        return a == null ? "null" : a.getShape().toString();
    }

    /**
     * The scores, with the caller's graph.
     *
     * @return {@code (n)} scores
     */
    NDArray scores() {
        return scores;
    }

    /**
     * The targets in the scores' type.
     *
     * @return {@code (n)} constants
     */
    NDArray targets() {
        return targets;
    }

    /**
     * The targets as numbers.
     *
     * @return {@code (n)} values (not to be modified)
     */
    double[] targetValues() {
        return targetValues;
    }

    /**
     * The number of pairs.
     *
     * @return n
     */
    int size() {
        return targetValues.length;
    }

    /**
     * The rows of each group and their padded layout.
     *
     * @return the layout
     */
    ScoreGroups groups() {
        if (groups == null) {
            groups = new ScoreGroups(groupIds);
        }
        return groups;
    }
}
