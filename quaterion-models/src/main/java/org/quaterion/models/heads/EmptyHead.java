package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/** The identity head: {@code y = x}. No parameters. */
public final class EmptyHead extends SameWidthHead {

    /** Registered type name. */
    public static final String TYPE = "empty";

    /**
     * Creates the head.
     *
     * @param inputSize the input (and output) width
     * @param dropout dropout applied in training
     */
    public EmptyHead(int inputSize, double dropout) {
        super(inputSize, dropout);
    }

    /**
     * Creates the head without dropout.
     *
     * @param inputSize the input (and output) width
     */
    public EmptyHead(int inputSize) {
        this(inputSize, 0.0);
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        return x;
    }
}
