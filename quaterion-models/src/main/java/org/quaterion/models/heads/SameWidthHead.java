package org.quaterion.models.heads;

/** A head whose output is as wide as its input (identity, normalisation, gates, gated residual layers). */
abstract class SameWidthHead extends EncoderHead {

    /**
     * Creates the head.
     *
     * @param inputSize the input (and output) width
     * @param dropout dropout probability applied to the input in training
     */
    SameWidthHead(int inputSize, double dropout) {
        super(inputSize, dropout);
    }

    @Override
    public final int outputSize() {
        return inputSize();
    }
}
