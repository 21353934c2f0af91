package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;

/**
 * Independent softmax groups, as quaterion_models' {@code SoftmaxEmbeddingsHead}: {@code p = Linear(in, G·K)(x)},
 * viewed as {@code (B, G, K)}, softmax over K, flattened back to {@code (B, G·K)}. Parameters
 * {@code projection_layer.weight/bias}.
 */
public final class SoftmaxEmbeddingsHead extends EncoderHead {

    /** Registered type name. */
    public static final String TYPE = "softmax_embeddings";

    private final int outputGroups;
    private final int outputSizePerGroup;
    private final Linear projection;

    /**
     * Creates the head.
     *
     * @param inputSize input width
     * @param outputGroups number of groups G
     * @param outputSizePerGroup size of each group K
     * @param dropout dropout on the head input in training
     */
    private SoftmaxEmbeddingsHead(int inputSize, int outputGroups, int outputSizePerGroup, double dropout) {
        super(inputSize, dropout);
        if (outputGroups < 1 || outputSizePerGroup < 1) {
            throw new IllegalArgumentException("SoftmaxEmbeddingsHead needs output_groups >= 1 and "
                    + "output_size_per_group >= 1, got " + outputGroups + " and " + outputSizePerGroup);
        }
        HeadLimits.width(TYPE, "output_groups", outputGroups);
        HeadLimits.width(TYPE, "output_size_per_group", outputSizePerGroup);
        int output = HeadLimits.width(TYPE, "output_groups·output_size_per_group",
                (long) outputGroups * outputSizePerGroup);
        limitParameters(TYPE, HeadLimits.linear(TYPE, inputSize, output, true));
        this.outputGroups = outputGroups;
        this.outputSizePerGroup = outputSizePerGroup;
        this.projection = addChildBlock("projection_layer",
                Layers.linear(inputSize, outputGroups * outputSizePerGroup, true));
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public int outputSize() {
        return outputGroups * outputSizePerGroup;
    }

    @Override
    protected void addConfig(JsonObject json) {
        json.addProperty("output_groups", outputGroups);
        json.addProperty("output_size_per_group", outputSizePerGroup);
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        NDArray p = projection.forward(ps, new NDList(x), training).head();
        long rows = p.getShape().get(0);
        return p.reshape(rows, outputGroups, outputSizePerGroup).softmax(-1).reshape(rows, outputSize());
    }

    /**
     * A builder that starts from Quaterion's defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SoftmaxEmbeddingsHead}: each setting by name, Quaterion's defaults for the rest. */
    public static final class Builder extends HeadBuilder<SoftmaxEmbeddingsHead, Builder> {
        private int outputGroups = 0;
        private int outputSizePerGroup = 0;

        private Builder() {}

        /**
         * Sets the number of softmax groups; required.
         *
         * @param outputGroups the value
         * @return this builder
         */
        public Builder setOutputGroups(int outputGroups) {
            this.outputGroups = outputGroups;
            return this;
        }

        /**
         * Sets the size of each group; required.
         *
         * @param outputSizePerGroup the value
         * @return this builder
         */
        public Builder setOutputSizePerGroup(int outputSizePerGroup) {
            this.outputSizePerGroup = outputSizePerGroup;
            return this;
        }

        @Override
        public SoftmaxEmbeddingsHead build() {
            return new SoftmaxEmbeddingsHead(inputSize(), outputGroups, outputSizePerGroup, dropout());
        }
    }
}
