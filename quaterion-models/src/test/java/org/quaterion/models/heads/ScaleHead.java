package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;

/** A user-defined head (y = factor·x) registered through META-INF/services, as a service would ship one. */
public final class ScaleHead extends EncoderHead {

    private final double factor;

    /**
     * Creates the head.
     *
     * @param inputSize width
     * @param factor the scale
     */
    public ScaleHead(int inputSize, double factor) {
        super(inputSize, 0.0);
        this.factor = factor;
    }

    @Override
    public String typeName() {
        return "test-scale";
    }

    @Override
    public int outputSize() {
        return inputSize();
    }

    @Override
    protected void addConfig(JsonObject json) {
        json.addProperty("factor", factor);
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        return x.mul(factor);
    }

    /** The factory found by {@link java.util.ServiceLoader}. */
    public static final class Factory implements HeadFactory {

        @Override
        public String typeName() {
            return "test-scale";
        }

        @Override
        public EncoderHead create(JsonObject config, HeadResolver registry) {
            return new ScaleHead(config.get("input_embedding_size").getAsInt(), config.get("factor").getAsDouble());
        }
    }
}
