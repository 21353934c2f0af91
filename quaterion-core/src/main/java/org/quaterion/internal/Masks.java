package org.quaterion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.quaterion.models.tensor.Scalars;

/**
 * Label masks shared by losses and miners. All return BOOLEAN {@code (n, m)} arrays for anchor labels {@code (n)}
 * and reference labels {@code (m)}; {@code selfRef} means the references are the anchors themselves, so the
 * diagonal (an item paired with itself) is excluded from positives and negatives alike.
 */
public final class Masks {

    private Masks() {}

    /**
     * {@code labels_i == refLabels_j}, diagonal removed when {@code selfRef}.
     *
     * @param labels anchor labels
     * @param refLabels reference labels
     * @param selfRef whether references are the anchors
     * @return the positive mask
     */
    public static NDArray positives(NDArray labels, NDArray refLabels, boolean selfRef) {
        NDArray same = labels.expandDims(1).eq(refLabels.expandDims(0));
        if (!selfRef) {
            return same;
        }
        // the diagonal of a set against itself is always true, so XOR with the identity clears it (two passes fewer
        // than AND with a "not identity" built from indices)
        return same.logicalXor(labels.getManager().eye((int) labels.size()).toType(DataType.BOOLEAN, false));
    }

    /**
     * {@code labels_i != refLabels_j}.
     *
     * @param labels anchor labels
     * @param refLabels reference labels
     * @return the negative mask
     */
    public static NDArray negatives(NDArray labels, NDArray refLabels) {
        return labels.expandDims(1).neq(refLabels.expandDims(0));
    }

    /**
     * Number of true entries per row.
     *
     * @param mask a boolean {@code (n, m)} mask
     * @return {@code (n)} INT64 counts
     */
    public static NDArray rowCounts(NDArray mask) {
        return mask.toType(DataType.INT64, false).sum(new int[] {1});
    }

    /**
     * Whether any entry is true along an axis.
     *
     * @param mask a boolean mask
     * @param axis the reduced axis
     * @return the boolean reduction
     */
    public static NDArray any(NDArray mask, int axis) {
        return mask.toType(DataType.INT32, false).sum(new int[] {axis}).gt(0);
    }

    /**
     * A boolean {@code (n, m)} mask with true at the given (row, column) index pairs.
     *
     * @param manager creates the mask
     * @param n rows
     * @param m columns
     * @param rows row indices (INT64)
     * @param cols column indices (INT64)
     * @return the mask
     */
    public static NDArray fromIndices(NDManager manager, long n, long m, NDArray rows, NDArray cols) {
        NDArray flat = manager.zeros(new ai.djl.ndarray.types.Shape(n * m), DataType.FLOAT32);
        if (rows.size() > 0) {
            NDArray ones = manager.ones(new ai.djl.ndarray.types.Shape(rows.size()), DataType.FLOAT32);
            flat = flat.scatter(Scalars.mul(rows, m).add(cols), ones, 0);
        }
        return flat.reshape(n, m).gt(0);
    }
}
