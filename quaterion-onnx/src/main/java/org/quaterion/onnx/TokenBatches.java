package org.quaterion.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Stacks a padded batch of tokenizer encodings into the model's inputs: token ids, attention mask and token type ids,
 * each {@code (B, L)} int64. Written here rather than through {@code Encoding.toNDList(Encoding[], …)}, which DJL
 * 0.25 (the CUDA 11.8 route) does not have, so the same code builds on every supported DJL.
 */
final class TokenBatches {

    private TokenBatches() {}

    /**
     * The inputs of a batch.
     *
     * @param encodings encodings of one length (the tokenizer pads the batch)
     * @param manager the owner of the arrays
     * @return ids, attention mask and token type ids
     */
    static NDList stack(Encoding[] encodings, NDManager manager) {
        long[][] ids = new long[encodings.length][];
        long[][] mask = new long[encodings.length][];
        long[][] types = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = encodings[i].getIds();
            mask[i] = encodings[i].getAttentionMask();
            types[i] = encodings[i].getTypeIds();
            if (ids[i].length != ids[0].length) {
                throw new IllegalStateException("encoding " + i + " has " + ids[i].length + " tokens, encoding 0 has "
                        + ids[0].length + ": the tokenizer must pad a batch to one length");
            }
        }
        return new NDList(manager.create(ids), manager.create(mask), manager.create(types));
    }
}
