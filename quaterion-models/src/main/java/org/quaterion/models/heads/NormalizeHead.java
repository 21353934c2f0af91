package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/** L2 normalisation: {@code y = x / max(‖x‖₂, 1e-12)}. No parameters. Not in Quaterion; users ask for it. */
public final class NormalizeHead extends SameWidthHead {

    /** Registered type name. */
    public static final String TYPE = "normalize";

    /**
     * Creates the head.
     *
     * @param inputSize the input (and output) width
     */
    public NormalizeHead(int inputSize) {
        super(inputSize, 0.0);
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        return x.normalize(2, 1, 1e-12);
    }
}
