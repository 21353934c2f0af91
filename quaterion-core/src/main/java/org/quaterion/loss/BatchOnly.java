package org.quaterion.loss;

/**
 * The check of the losses that compare a batch with itself only (PML's {@code ref_not_supported}): reference
 * embeddings, e.g. a cross-batch memory, are refused rather than ignored.
 */
final class BatchOnly {

    private BatchOnly() {}

    /**
     * Refuses inputs whose references are not the batch itself.
     *
     * @param in the inputs
     * @param who the loss, for the message
     * @throws IllegalArgumentException when reference embeddings were given
     */
    static void require(LossInputs in, String who) {
        if (!in.selfRef()) {
            throw new IllegalArgumentException(who + " compares the batch with itself only (PML does not support "
                    + "ref_emb for it); call forward without reference embeddings, and do not wrap it in a "
                    + "CrossBatchMemory");
        }
    }
}
