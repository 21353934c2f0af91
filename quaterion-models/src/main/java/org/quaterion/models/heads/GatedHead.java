package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Element-wise gates: {@code y = x · tanh(g)}, {@code g ∈ R^in} initialised to 2.0 (so tanh(g) ≈ 0.964 at start,
 * not exactly the identity), as quaterion_models' {@code GatedHead}. Parameter {@code gates}.
 */
public final class GatedHead extends SameWidthHead {

    /** Registered type name. */
    public static final String TYPE = "gated";

    private final Parameter gates;

    /**
     * Creates the head.
     *
     * @param inputSize the input (and output) width
     * @param dropout dropout applied in training
     */
    public GatedHead(int inputSize, double dropout) {
        super(inputSize, dropout);
        limitParameters(TYPE, inputSize);
        this.gates = addParameter(Layers.constantVector("gates", inputSize, 2.0f));
    }

    /**
     * Creates the head without dropout.
     *
     * @param inputSize the input (and output) width
     */
    public GatedHead(int inputSize) {
        this(inputSize, 0.0);
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        NDArray g = ps.getValue(gates, x.getDevice(), training);
        return x.mul(g.tanh());
    }
}
