package org.quaterion.onnx.export;

import java.util.List;
import java.util.Set;

/**
 * The ONNX ops of the heads' activation functions ({@code org.quaterion.models.heads.Activations}), each as PyTorch
 * computes it: GELU is the exact {@code 0.5·x·(1 + erf(x/√2))}, ReLU6 {@code min(relu(x), 6)}, SiLU
 * {@code x·sigmoid(x)}. Mish is exported as the heads compute it: DJL's {@code Activation.mish} takes the
 * logarithm to base 2, {@code x·tanh(log₂(1 + eˣ))}, not PyTorch's {@code x·tanh(ln(1 + eˣ))}, and the export must
 * give the model's vectors.
 */
final class ActivationGraph {

    /** The activation names this class exports: all of {@code Activations}'. */
    static final Set<String> SUPPORTED = Set.of("relu", "relu6", "tanh", "sigmoid", "gelu", "elu", "selu",
            "leaky_relu", "softplus", "softsign", "silu", "mish", "identity");

    private ActivationGraph() {}

    /**
     * Appends an activation.
     *
     * @param g the graph
     * @param name the activation's name
     * @param x its input
     * @return its output
     * @throws IllegalArgumentException for a name not in {@link #SUPPORTED}
     */
    static String apply(GraphBuilder g, String name, String x) {
        return switch (name) {
            case "relu" -> g.op("Relu", List.of(x));
            case "relu6" -> g.op("Min", List.of(g.op("Relu", List.of(x)), g.scalar("six", 6f)));
            case "tanh" -> g.op("Tanh", List.of(x));
            case "sigmoid" -> g.op("Sigmoid", List.of(x));
            case "gelu" -> {
                String scaled = g.op("Mul", List.of(x, g.scalar("inv_sqrt2", (float) (1 / Math.sqrt(2)))));
                String onePlus = g.op("Add", List.of(g.op("Erf", List.of(scaled)), g.scalar("one", 1f)));
                yield g.op("Mul", List.of(g.op("Mul", List.of(x, g.scalar("half", 0.5f))), onePlus));
            }
            case "elu" -> g.op("Elu", List.of(x), GraphBuilder.floatAttr("alpha", 1f));
            case "selu" -> g.op("Selu", List.of(x));
            case "leaky_relu" -> g.op("LeakyRelu", List.of(x), GraphBuilder.floatAttr("alpha", 0.01f));
            case "softplus" -> g.op("Softplus", List.of(x));
            case "softsign" -> g.op("Softsign", List.of(x));
            case "silu" -> g.op("Mul", List.of(x, g.op("Sigmoid", List.of(x))));
            case "mish" -> {
                String log2 = g.op("Div", List.of(g.op("Softplus", List.of(x)), g.scalar("ln2", (float) Math.log(2))));
                yield g.op("Mul", List.of(x, g.op("Tanh", List.of(log2))));
            }
            case "identity" -> x;
            default -> throw new IllegalArgumentException("activation '" + name + "' has no ONNX form here; "
                    + "exportable ones are " + new java.util.TreeSet<>(SUPPORTED));
        };
    }
}
