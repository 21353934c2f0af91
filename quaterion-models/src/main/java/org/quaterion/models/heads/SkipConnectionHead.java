package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.internal.ArtifactLimits;

/**
 * Gated residual layers, as quaterion_models' {@code SkipConnectionHead}: for each layer i,
 * {@code x = fc_i(skip_dropout(x)) · sigmoid(g_i) + x}, with {@code fc_i = Linear(in, in)} and gates {@code g_i}
 * initialised to −4.0 (sigmoid ≈ 0.018, so the head starts near the identity). Parameters {@code gates_i},
 * {@code fc_i.weight}, {@code fc_i.bias}.
 */
public final class SkipConnectionHead extends SameWidthHead {

    /** Registered type name. */
    public static final String TYPE = "skip_connection";

    private final double skipDropout;
    private final List<Parameter> gates = new ArrayList<>();
    private final List<Linear> layers = new ArrayList<>();

    /**
     * Creates the head.
     *
     * @param inputSize the input (and output) width
     * @param dropout dropout on the head input in training
     * @param skipDropout dropout before each layer's projection in training, in [0, 1)
     * @param nLayers number of residual layers, at least 1
     */
    private SkipConnectionHead(int inputSize, double dropout, double skipDropout, int nLayers) {
        super(inputSize, dropout);
        if (nLayers < 1) {
            throw new IllegalArgumentException("SkipConnectionHead needs n_layers >= 1, got " + nLayers);
        }
        if (!(skipDropout >= 0 && skipDropout < 1)) {
            throw new IllegalArgumentException("SkipConnectionHead needs skip_dropout in [0, 1), got " + skipDropout);
        }
        HeadLimits.layers(TYPE, "n_layers", nLayers);
        long perLayer = ArtifactLimits.add(HeadLimits.linear(TYPE, inputSize, inputSize, true), inputSize);
        limitParameters(TYPE, ArtifactLimits.multiply(perLayer, nLayers));
        this.skipDropout = skipDropout;
        for (int i = 0; i < nLayers; i++) {
            gates.add(addParameter(Layers.constantVector("gates_" + i, inputSize, -4.0f)));
            layers.add(addChildBlock("fc_" + i, Layers.linear(inputSize, inputSize, true)));
        }
    }

    /**
     * Creates a one-layer head without dropout.
     *
     * @param inputSize the input (and output) width
     */
    public SkipConnectionHead(int inputSize) {
        this(inputSize, 0.0, 0.0, 1);
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    protected void addConfig(JsonObject json) {
        json.addProperty("skip_dropout", skipDropout);
        json.addProperty("n_layers", layers.size());
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        for (int i = 0; i < layers.size(); i++) {
            NDArray in = skipDropout > 0 && training ? Dropout.dropout(x, (float) skipDropout, true).head() : x;
            NDArray projected = layers.get(i).forward(ps, new NDList(in), training).head();
            NDArray gate = Activation.sigmoid(ps.getValue(gates.get(i), x.getDevice(), training));
            x = projected.mul(gate).add(x);
        }
        return x;
    }

    /**
     * A builder that starts from Quaterion's defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SkipConnectionHead}: each setting by name, Quaterion's defaults for the rest. */
    public static final class Builder extends HeadBuilder<SkipConnectionHead, Builder> {
        private double skipDropout = 0.0;
        private int nLayers = 1;

        private Builder() {}

        /**
         * Sets the dropout inside the skip branch (Quaterion skip_dropout) (default 0.0).
         *
         * @param skipDropout the value
         * @return this builder
         */
        public Builder optSkipDropout(double skipDropout) {
            this.skipDropout = skipDropout;
            return this;
        }

        /**
         * Sets the number of gated layers (Quaterion n_layers) (default 1).
         *
         * @param nLayers the value
         * @return this builder
         */
        public Builder optNLayers(int nLayers) {
            this.nLayers = nLayers;
            return this;
        }

        @Override
        public SkipConnectionHead build() {
            return new SkipConnectionHead(inputSize(), dropout(), skipDropout, nLayers);
        }
    }
}
