package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** The two views of the same inputs that a view-comparing loss works on, taken from its inputs. */
final class TwoViews {

    private TwoViews() {}

    /**
     * Row numbers shared by two views (PML's {@code labels = arange(n)} of a self-supervised call).
     *
     * @param embeddings the first view
     * @param refEmbeddings the second view
     * @param who the loss, for messages
     * @return INT64 {@code 0..n-1}
     */
    static NDArray rowIds(NDArray embeddings, NDArray refEmbeddings, String who) {
        if (embeddings == null || refEmbeddings == null || embeddings.getShape().dimension() != 2
                || !embeddings.getShape().equals(refEmbeddings.getShape())) {
            throw new IllegalArgumentException(who + " needs two views of the same shape (n, d), got "
                    + (embeddings == null ? null : embeddings.getShape()) + " and "
                    + (refEmbeddings == null ? null : refEmbeddings.getShape()));
        }
        return embeddings.getManager().arange((int) embeddings.getShape().get(0)).toType(DataType.INT64, false);
    }

    /**
     * The views: the embeddings and references paired row by row (equal labels), or, without references, the two
     * halves of the batch (rows i and i + N with equal labels). Each view needs at least two rows.
     *
     * @param in the inputs
     * @param who the loss, for messages
     * @return {first view, second view}
     */
    static NDArray[] of(LossInputs in, String who) {
        NDArray[] views;
        if (!in.selfRef()) {
            if (in.embeddings().getShape().get(0) != in.refEmbeddings().getShape().get(0)
                    || !in.labels().eq(in.refLabels()).all().getBoolean()) {
                throw new IllegalArgumentException(who + " compares two views row by row: the references must have "
                        + "the embeddings' rows, with the same labels row by row (forwardViews numbers them)");
            }
            views = new NDArray[] {in.embeddings(), in.refEmbeddings()};
        } else {
            long rows = in.embeddings().getShape().get(0);
            long half = rows / 2;
            NDIndex first = new NDIndex().addSliceDim(0, half);
            NDIndex second = new NDIndex().addSliceDim(half, rows);
            if (rows % 2 != 0 || !in.labels().get(first).eq(in.labels().get(second)).all().getBoolean()) {
                throw new IllegalArgumentException(who + " compares two views row by row: give them as references "
                        + "(forwardViews), or stack them in one batch of 2N rows where rows i and i + N carry the "
                        + "same label; got " + rows + " rows whose halves do not pair");
            }
            views = new NDArray[] {in.embeddings().get(first), in.embeddings().get(second)};
        }
        if (views[0].getShape().get(0) < 2) {
            throw new IllegalArgumentException(who + " needs at least 2 rows per view (the variance over one row is "
                    + "undefined), got " + views[0].getShape().get(0));
        }
        return views;
    }
}
