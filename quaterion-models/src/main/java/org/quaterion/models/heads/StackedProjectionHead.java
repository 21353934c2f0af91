package org.quaterion.models.heads;

import java.util.List;

/**
 * A stack of linear layers with an activation between them (none after the last), as quaterion_models'
 * {@code StackedProjectionHead}: {@code Linear(in,o0) → act → Linear(o0,o1) → … → Linear(o_{n−2}, o_{n−1})}.
 * Parameters {@code _stack.{0,2,4,…}.weight/bias} (PyTorch's Sequential indices).
 */
public final class StackedProjectionHead extends ProjectionStack {

    /** Registered type name. */
    public static final String TYPE = "stacked_projection";

    /**
     * Creates the head.
     *
     * @param inputSize input width
     * @param outputSizes widths of the layers, at least one
     * @param activationFn activation name ({@code torch.nn.functional}: relu, tanh, gelu, …)
     * @param dropout dropout on the head input in training
     */
    private StackedProjectionHead(int inputSize, List<Integer> outputSizes, String activationFn, double dropout) {
        super(inputSize, outputSizes, activationFn, dropout);
    }

    /**
     * Creates a ReLU head without dropout.
     *
     * @param inputSize input width
     * @param outputSizes widths of the layers
     */
    public StackedProjectionHead(int inputSize, List<Integer> outputSizes) {
        this(inputSize, outputSizes, "relu", 0.0);
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    /**
     * A builder that starts from Quaterion's defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link StackedProjectionHead}: each setting by name, Quaterion's defaults for the rest. */
    public static final class Builder extends HeadBuilder<StackedProjectionHead, Builder> {
        private List<Integer> outputSizes = List.of();
        private String activationFn = "relu";

        private Builder() {}

        /**
         * Sets the output size of each layer; required.
         *
         * @param outputSizes the value
         * @return this builder
         */
        public Builder setOutputSizes(List<Integer> outputSizes) {
            this.outputSizes = outputSizes;
            return this;
        }

        /**
         * Sets the activation between layers (default relu).
         *
         * @param activationFn the value
         * @return this builder
         */
        public Builder optActivationFn(String activationFn) {
            this.activationFn = activationFn;
            return this;
        }

        @Override
        public StackedProjectionHead build() {
            return new StackedProjectionHead(inputSize(), outputSizes, activationFn, dropout());
        }
    }
}
