package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable layer on top of the concatenated encoder outputs: {@code forward(x) = transform(dropout(x))}.
 *
 * <p>Input {@code (B, inputSize())}, output {@code (B, outputSize())}. Every head has a JSON-able {@link #config()}
 * (Quaterion's {@code get_config_dict()} keys) from which its {@link HeadFactory} rebuilds it, and a registered
 * {@link #typeName()}. Dropout is active only in training. Inference is thread-safe once initialized.
 */
public abstract class EncoderHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inputSize;
    private final double dropout;
    private long parameterCount;

    /**
     * Creates the head.
     *
     * @param inputSize the width of the concatenated encoder outputs, at least 1
     * @param dropout dropout probability applied to the input in training, in [0, 1)
     */
    protected EncoderHead(int inputSize, double dropout) {
        super(VERSION);
        if (inputSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs inputSize >= 1 (setInputSize), got "
                    + inputSize);
        }
        HeadLimits.width(getClass().getSimpleName(), "input_embedding_size", inputSize);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs dropout in [0, 1), got "
                    + dropout);
        }
        this.inputSize = inputSize;
        this.dropout = dropout;
    }

    /**
     * The registered type name (see {@link HeadFactory}).
     *
     * @return the type name, e.g. {@code "gated"}
     */
    public abstract String typeName();

    /**
     * The width the head expects.
     *
     * @return the input size
     */
    public final int inputSize() {
        return inputSize;
    }

    /**
     * The parameter values the head's settings give, computed in its constructor before any layer is created, so
     * that a head holding parts can bound their sum; 0 for a head of another package, whose size is not known here.
     *
     * @return the count
     */
    long parameterCount() {
        return parameterCount;
    }

    /**
     * Checks the parameter count a head's settings give against the artifact limit and keeps it for
     * {@link #parameterCount()}; the package's heads call it in their constructors, before creating any layer.
     *
     * @param type the head's type name, for the message
     * @param count the parameter values the settings give
     */
    final void limitParameters(String type, long count) {
        this.parameterCount = HeadLimits.total(type, count);
    }

    /**
     * The width the head produces.
     *
     * @return the output size
     */
    public abstract int outputSize();

    /**
     * The dropout probability applied to the input during training.
     *
     * @return the probability
     */
    public final double dropout() {
        return dropout;
    }

    /**
     * The head's configuration: {@code input_embedding_size}, {@code dropout} and the head's own keys.
     *
     * @return a new JSON object
     */
    public final JsonObject config() {
        JsonObject json = new JsonObject();
        json.addProperty("input_embedding_size", inputSize);
        json.addProperty("dropout", dropout);
        addConfig(json);
        return json;
    }

    /**
     * Adds the head's own configuration keys.
     *
     * @param json the object to add to
     */
    protected void addConfig(JsonObject json) {}

    /**
     * The head's math, applied after dropout.
     *
     * @param ps the parameter store
     * @param x the {@code (B, inputSize)} input
     * @param routes per-row route index (int64, {@code (B)}), or null when the head does not use routes
     * @param training whether this is a training step
     * @return the {@code (B, outputSize)} output
     */
    protected abstract NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training);

    /**
     * Applies the head to embeddings, with the encoders' routes when the head switches on them.
     *
     * @param ps the parameter store
     * @param embeddings {@code (B, inputSize)}
     * @param routes per-record route names from the encoders, or null
     * @param training whether this is a training step
     * @return the {@code (B, outputSize)} output
     */
    public NDArray apply(ParameterStore ps, NDArray embeddings, List<String> routes, boolean training) {
        return forward(ps, new NDList(embeddings), training).head();
    }

    /**
     * Initializes the parameters for this head's input size.
     *
     * @param manager the owner of the parameters
     * @param dataType FLOAT32 or FLOAT64
     */
    public void initialize(NDManager manager, DataType dataType) {
        initialize(manager, dataType, new Shape(1, inputSize));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        if (x.getShape().dimension() != 2 || x.getShape().get(1) != inputSize) {
            throw new IllegalArgumentException(typeName() + " head expects (B, " + inputSize + ") input, got "
                    + x.getShape());
        }
        if (dropout > 0 && training) {
            x = Dropout.dropout(x, (float) dropout, true).head();
        }
        NDArray routes = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(transform(ps, x, routes, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, shape);
            shape = child.getOutputShapes(new Shape[] {shape})[0];
        }
    }

    /**
     * The parameters under Quaterion's state-dict names ({@code gates}, {@code fc_0.weight},
     * {@code _stack.0.bias}, ...), for importing weights trained with quaterion_models.
     *
     * @return name to parameter, in block order
     */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(this, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String name = child.getKey().replaceFirst("^\\d{2}", "");
            collect(child.getValue(), prefix + name + ".", out);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + config();
    }
}
