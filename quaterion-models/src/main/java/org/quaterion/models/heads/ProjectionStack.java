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
import org.quaterion.models.internal.ArtifactLimits;

/**
 * The shared implementation of {@link StackedProjectionHead} and {@link WideningHead}: Linear layers with an
 * activation between them (none after the last), parameters {@code _stack.{0,2,4,…}.weight/bias} as in
 * quaterion_models.
 */
abstract class ProjectionStack extends EncoderHead {

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
    ProjectionStack(int inputSize, List<Integer> outputSizes, String activationFn, double dropout) {
        super(inputSize, dropout);
        if (outputSizes == null || outputSizes.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs at least one output size");
        }
        String type = typeName(getClass());
        HeadLimits.layers(type, "output_sizes", outputSizes.size());
        long count = 0;
        long width = inputSize;
        for (Integer size : outputSizes) {
            if (size == null || size < 1) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " needs output sizes >= 1, got "
                        + outputSizes);
            }
            HeadLimits.width(type, "output_sizes", size);
            count = ArtifactLimits.add(count, HeadLimits.linear(type, width, size, true));
            width = size;
        }
        limitParameters(type, count);
        this.outputSizes = List.copyOf(outputSizes);
        this.activationName = activationFn;
        this.activation = Activations.byName(activationFn);
        int in = inputSize;
        for (int i = 0; i < outputSizes.size(); i++) {
            layers.add(addChildBlock("_stack." + (2 * i), Layers.linear(in, outputSizes.get(i), true)));
            in = outputSizes.get(i);
        }
    }

    /** The type name for messages, known before the subclass is constructed. */
    private static String typeName(Class<?> head) {
        return head == WideningHead.class ? WideningHead.TYPE : StackedProjectionHead.TYPE;
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
