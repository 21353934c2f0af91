package org.quaterion.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;

/**
 * Runs a collated batch of texts one text at a time ({@link TextBatching#PER_TEXT}): each text's tokens under the
 * attention mask become a {@code (1, length)} batch with no padding, so the model sees exactly the same input
 * whether the text came alone or with others, and its output row is the same bits.
 */
final class TextRows {

    private TextRows() {}

    /**
     * Applies {@code model} to each text of {@code batch} as its own unpadded batch of one and stacks the rows.
     *
     * @param batch token ids, attention mask and (optionally) token types, each {@code (B, L)}
     * @param model maps a {@code (1, length)} batch to a {@code (1, d)} output
     * @return the {@code (B, d)} outputs, in the batch's order
     */
    static NDArray eachText(NDList batch, Function<NDList, NDArray> model) {
        NDManager manager = batch.head().getManager();
        Shape shape = batch.head().getShape();
        int b = Math.toIntExact(shape.get(0));
        int length = Math.toIntExact(shape.get(1));
        long[][] columns = new long[batch.size()][];
        for (int c = 0; c < batch.size(); c++) {
            columns[c] = batch.get(c).toType(DataType.INT64, false).toLongArray();
        }
        NDList rows = new NDList(b);
        for (int i = 0; i < b; i++) {
            rows.add(model.apply(text(columns, i, length, manager)));
        }
        return rows.size() == 1 ? rows.head() : NDArrays.concat(rows, 0);
    }

    /** Text {@code i}'s tokens under the mask (column 1), every column cut to them, as {@code (1, n)} arrays. */
    private static NDList text(long[][] columns, int i, int length, NDManager manager) {
        long[] mask = columns[1];
        int[] kept = new int[length];
        int n = 0;
        for (int t = 0; t < length; t++) {
            if (mask[i * length + t] != 0) {
                kept[n++] = i * length + t;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("text " + i + " of the batch has no tokens (its tokenizer adds no "
                    + "special tokens to an empty text); give it at least one token");
        }
        NDList out = new NDList(columns.length);
        for (long[] column : columns) {
            long[] values = new long[n];
            for (int k = 0; k < n; k++) {
                values[k] = column[kept[k]];
            }
            out.add(manager.create(values, new Shape(1, n)));
        }
        return out;
    }
}
