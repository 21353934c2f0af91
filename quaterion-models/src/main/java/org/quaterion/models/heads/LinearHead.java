package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;

/**
 * One linear projection: {@code y = x·Wᵀ + b}, W {@code (out, in)}. Not in Quaterion (which needs
 * {@code StackedProjectionHead([n])}); parameters {@code layer.weight}, {@code layer.bias}.
 */
public final class LinearHead extends EncoderHead {

    /** Registered type name. */
    public static final String TYPE = "linear";

    private final int outputSize;
    private final boolean bias;
    private final Linear layer;

    /**
     * Creates the head.
     *
     * @param inputSize input width
     * @param outputSize output width
     * @param bias whether to add a bias
     * @param dropout dropout applied in training
     */
    private LinearHead(int inputSize, int outputSize, boolean bias, double dropout) {
        super(inputSize, dropout);
        if (outputSize < 1) {
            throw new IllegalArgumentException("LinearHead needs outputSize >= 1 (setOutputSize), got " + outputSize);
        }
        HeadLimits.width(TYPE, "output_size", outputSize);
        limitParameters(TYPE, HeadLimits.linear(TYPE, inputSize, outputSize, bias));
        this.outputSize = outputSize;
        this.bias = bias;
        this.layer = addChildBlock("layer", Layers.linear(inputSize, outputSize, bias));
    }

    /**
     * Creates a head with bias and no dropout.
     *
     * @param inputSize input width
     * @param outputSize output width
     */
    public LinearHead(int inputSize, int outputSize) {
        this(inputSize, outputSize, true, 0.0);
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    protected void addConfig(JsonObject json) {
        json.addProperty("output_size", outputSize);
        json.addProperty("bias", bias);
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        return layer.forward(ps, new NDList(x), training).head();
    }

    /**
     * A builder that starts from Quaterion's defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LinearHead}: each setting by name, Quaterion's defaults for the rest. */
    public static final class Builder extends HeadBuilder<LinearHead, Builder> {
        private int outputSize = 0;
        private boolean bias = true;

        private Builder() {}

        /**
         * Sets the output size; required.
         *
         * @param outputSize the value
         * @return this builder
         */
        public Builder setOutputSize(int outputSize) {
            this.outputSize = outputSize;
            return this;
        }

        /**
         * Sets whether the layer has a bias (default true).
         *
         * @param bias the value
         * @return this builder
         */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        @Override
        public LinearHead build() {
            return new LinearHead(inputSize(), outputSize, bias, dropout());
        }
    }
}
