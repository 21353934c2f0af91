package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A stack of linear layers with an activation between them (none after the last), as quaterion_models'
 * {@code StackedProjectionHead}: {@code Linear(in,o0) → act → Linear(o0,o1) → … → Linear(o_{n−2}, o_{n−1})}.
 * Parameters {@code _stack.{0,2,4,…}.weight/bias} (PyTorch's Sequential indices).
 */
public class StackedProjectionHead extends EncoderHead {

    /** Registered type name. */
    public static final String TYPE = "stacked_projection";

    private final List<Integer> outputSizes;
    private final String activationName;
    private final UnaryOperator<NDArray> activation;
    private final List<Linear> layers = new ArrayList<>();

    /**
     * Creates the head.
     *
     * @param inputSize input width
     * @param outputSizes widths of the layers, at least one
     * @param activationFn activation name ({@code torch.nn.functional}: relu, tanh, gelu, …)
     * @param dropout dropout on the head input in training
     */
    public StackedProjectionHead(int inputSize, List<Integer> outputSizes, String activationFn, double dropout) {
        super(inputSize, dropout);
        if (outputSizes == null || outputSizes.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs at least one output size");
        }
        this.outputSizes = List.copyOf(outputSizes);
        this.activationName = activationFn;
        this.activation = Activations.byName(activationFn);
        int in = inputSize;
        for (int i = 0; i < outputSizes.size(); i++) {
            layers.add(addChildBlock("_stack." + (2 * i), Layers.linear(in, outputSizes.get(i), true)));
            in = outputSizes.get(i);
        }
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

    @Override
    public int outputSize() {
        return outputSizes.get(outputSizes.size() - 1);
    }

    /**
     * The layer widths.
     *
     * @return the output sizes
     */
    public List<Integer> outputSizes() {
        return outputSizes;
    }

    /**
     * The activation name.
     *
     * @return e.g. {@code "relu"}
     */
    public String activationFn() {
        return activationName;
    }

    @Override
    protected void addConfig(JsonObject json) {
        JsonArray sizes = new JsonArray();
        outputSizes.forEach(sizes::add);
        json.add("output_sizes", sizes);
        json.addProperty("activation_fn", activationName);
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) {
                x = activation.apply(x);
            }
            x = layers.get(i).forward(ps, new NDList(x), training).head();
        }
        return x;
    }
}
