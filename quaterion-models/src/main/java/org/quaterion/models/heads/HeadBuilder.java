package org.quaterion.models.heads;

/**
 * Base of the head builders, in DJL's convention ({@code setX} required, {@code optX} with a default, then
 * {@link #build()}), for the heads with three or more settings: the input size is required and the dropout on the
 * head's input defaults to 0, as in Quaterion.
 *
 * @param <H> the head
 * @param <B> the concrete builder
 */
public abstract class HeadBuilder<H extends EncoderHead, B extends HeadBuilder<H, B>> {

    private int inputSize;
    private double dropout;

    /** Creates a builder with the defaults. */
    protected HeadBuilder() {}

    /**
     * Sets the input size (the encoders' concatenated output); required.
     *
     * @param inputSize at least 1
     * @return this builder
     */
    public final B setInputSize(int inputSize) {
        this.inputSize = inputSize;
        return self();
    }

    /**
     * Sets the dropout on the head's input (default 0).
     *
     * @param dropout in [0, 1)
     * @return this builder
     */
    public final B optDropout(double dropout) {
        this.dropout = dropout;
        return self();
    }

    /**
     * The input size set (0 until set).
     *
     * @return the input size
     */
    protected final int inputSize() {
        return inputSize;
    }

    /**
     * The dropout set.
     *
     * @return the dropout
     */
    protected final double dropout() {
        return dropout;
    }

    /**
     * Builds the head.
     *
     * @return the head
     * @throws IllegalArgumentException when a setting is missing or out of range
     */
    public abstract H build();

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this; // B is the concrete builder by construction (B extends HeadBuilder<H, B>)
    }
}
