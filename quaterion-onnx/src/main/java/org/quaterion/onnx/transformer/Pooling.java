package org.quaterion.onnx.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.quaterion.models.tensor.Scalars;

/** How a transformer's token states become one sentence embedding (sentence-transformers' pooling modes). */
public enum Pooling {
    /** The mean of the token states under the attention mask (sentence-transformers' default). */
    MEAN,
    /** The first token's state ({@code [CLS]}; bge, e.g.). */
    CLS,
    /** The last token under the attention mask (with right or left padding), as decoder-style embedders use. */
    LAST;

    /**
     * Pools token states.
     *
     * @param states the token states {@code (B, L, H)}
     * @param attentionMask the mask {@code (B, L)}, 1 on tokens, 0 on padding (any numeric type)
     * @return the sentence embeddings {@code (B, H)}
     */
    public NDArray pool(NDArray states, NDArray attentionMask) {
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false);
        return switch (this) {
            case CLS -> states.get(":, 0, :");
            case MEAN -> {
                NDArray m = mask.expandDims(2);
                yield states.mul(m).sum(new int[] {1}).div(Scalars.max(m.sum(new int[] {1}), 1e-9f));
            }
            case LAST -> {
                long length = mask.getShape().get(1);
                NDArray positions = mask.getManager().arange(0f, (float) length, 1f, DataType.FLOAT32)
                        .expandDims(0);
                // (B, 1): the last position whose mask is 1, with right or left padding
                NDArray last = mask.mul(positions).max(new int[] {1}, true);
                NDArray pick = positions.eq(last).toType(DataType.FLOAT32, false).expandDims(2);
                yield states.mul(pick).sum(new int[] {1});
            }
        };
    }

    /**
     * The name written in saved configurations.
     *
     * @return e.g. "mean"
     */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a saved name.
     *
     * @param name e.g. "mean"
     * @param where the file, for the message
     * @return the pooling
     * @throws IllegalArgumentException when the name is not one of mean, cls, last
     */
    public static Pooling fromConfig(String name, String where) {
        for (Pooling p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException(where + " names pooling '" + name + "': use mean, cls or last");
    }
}
