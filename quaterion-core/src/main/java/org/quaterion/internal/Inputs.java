package org.quaterion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Input checks shared by losses and miners, with messages that name the component and the fix. */
public final class Inputs {

    private Inputs() {}

    /**
     * Checks embeddings (2-d, floating, finite) and labels (1-d integers, same length).
     *
     * @param embeddings the embeddings
     * @param labels the labels
     * @param who the component name, for messages
     * @return the labels as INT64
     */
    public static NDArray check(NDArray embeddings, NDArray labels, String who) {
        NDArray l = checkShapes(embeddings, labels, who);
        checkFinite(embeddings, who);
        return l;
    }

    /**
     * Checks shapes and types only.
     *
     * @param embeddings the embeddings
     * @param labels the labels
     * @param who the component name, for messages
     * @return the labels as INT64
     */
    public static NDArray checkShapes(NDArray embeddings, NDArray labels, String who) {
        if (embeddings == null || labels == null) {
            throw new IllegalArgumentException(who + ": embeddings and labels must not be null");
        }
        if (embeddings.getShape().dimension() != 2) {
            throw new IllegalArgumentException(who + ": embeddings must be (n, d), got " + embeddings.getShape());
        }
        if (!embeddings.getDataType().isFloating()) {
            throw new IllegalArgumentException(who + ": embeddings must be floating point, got "
                    + embeddings.getDataType());
        }
        if (labels.getShape().dimension() != 1 || labels.size() != embeddings.getShape().get(0)) {
            throw new IllegalArgumentException(who + ": labels must be (n) = (" + embeddings.getShape().get(0)
                    + "), got " + labels.getShape());
        }
        if (!labels.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": labels must be integers, got " + labels.getDataType());
        }
        return labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
    }

    /**
     * Rejects NaN or infinite values.
     *
     * @param x the array
     * @param who the component name, for messages
     */
    public static void checkFinite(NDArray x, String who) {
        NDArray s = x.stopGradient();
        if (Double.isFinite(s.sum().toType(DataType.FLOAT64, false).getDouble())) {
            return; // one reduction on the common path; NaN or ±Inf anywhere makes the sum non-finite
        }
        if (s.isNaN().any().getBoolean() || s.isInfinite().any().getBoolean()) {
            throw new IllegalArgumentException(who + ": embeddings contain NaN or infinite values; check the encoder "
                    + "output and the learning rate");
        }
    }
}
