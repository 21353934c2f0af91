package org.quaterion.onnx.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.SoftmaxEmbeddingsHead;
import org.quaterion.models.heads.StackedProjectionHead;
import org.quaterion.models.heads.SwitchHead;
import org.quaterion.models.heads.WideningHead;

/**
 * Appends a head's inference ops (no dropout) to a graph, with its trained parameters as initializers. The
 * constant parts of a head's math (tanh of the gated head's gates, sigmoid of the skip-connection gates) are
 * computed once here with the engine the model runs on, so the graph multiplies by the very values the model does.
 */
final class HeadGraph {

    /** The head types this class exports. */
    static final List<String> SUPPORTED = List.of(EmptyHead.TYPE, NormalizeHead.TYPE, LinearHead.TYPE,
            GatedHead.TYPE, SkipConnectionHead.TYPE, StackedProjectionHead.TYPE, WideningHead.TYPE,
            SoftmaxEmbeddingsHead.TYPE, SequentialHead.TYPE);

    private HeadGraph() {}

    /**
     * Checks that a head (and each part of a sequential head) can be exported, before anything is written.
     *
     * @param head the head
     * @throws OnnxExportException naming the head that cannot, and what to do
     */
    static void check(EncoderHead head) {
        if (head instanceof SequentialHead sequential) {
            sequential.heads().forEach(HeadGraph::check);
            return;
        }
        if (head instanceof SwitchHead) {
            throw new OnnxExportException("the switch head routes each record to one of its options by the "
                    + "encoder it came from, and an exported graph has one encoder: export a model with one "
                    + "OnnxSentenceEncoder and a head of " + SUPPORTED);
        }
        if (!SUPPORTED.contains(head.typeName())) {
            throw new OnnxExportException("head '" + head.typeName() + "' (" + head.getClass().getName() + ") has no "
                    + "ONNX form: exportable heads are " + SUPPORTED + "; serve this model with "
                    + "SimilarityModel.load instead");
        }
        JsonObject config = head.config();
        if (config.has("activation_fn")) {
            String activation = config.get("activation_fn").getAsString();
            if (!ActivationGraph.SUPPORTED.contains(activation)) {
                throw new OnnxExportException("head '" + head.typeName() + "' uses activation '" + activation
                        + "', which has no ONNX form here: exportable ones are "
                        + new java.util.TreeSet<>(ActivationGraph.SUPPORTED));
            }
        }
    }

    /**
     * Appends the head.
     *
     * @param g the graph
     * @param head the head, {@linkplain #check checked}
     * @param x its {@code (B, inputSize)} input
     * @return its {@code (B, outputSize)} output
     */
    static String append(GraphBuilder g, EncoderHead head, String x) {
        Map<String, Parameter> p = head.namedParameters();
        JsonObject config = head.config();
        int in = head.inputSize();
        return switch (head.typeName()) {
            case EmptyHead.TYPE -> x;
            case NormalizeHead.TYPE -> PoolingGraph.normalize(g, x, in);
            case LinearHead.TYPE -> linear(g, p, "layer", x, head.outputSize(), in,
                    !config.has("bias") || config.get("bias").getAsBoolean());
            case GatedHead.TYPE -> g.op("Mul", List.of(x, g.floats("gates_tanh", mapped(p.get("gates"),
                    NDArray::tanh), in)));
            case SkipConnectionHead.TYPE -> {
                String y = x;
                int layers = config.get("n_layers").getAsInt();
                for (int i = 0; i < layers; i++) {
                    String projected = linear(g, p, "fc_" + i, y, in, in, true);
                    String gate = g.floats("skip_gate", mapped(p.get("gates_" + i), Activation::sigmoid), in);
                    y = g.op("Add", List.of(g.op("Mul", List.of(projected, gate)), y));
                }
                yield y;
            }
            case StackedProjectionHead.TYPE, WideningHead.TYPE -> {
                String y = x;
                int width = in;
                String activation = config.get("activation_fn").getAsString();
                int i = 0;
                for (JsonElement size : config.getAsJsonArray("output_sizes")) {
                    if (i > 0) {
                        y = ActivationGraph.apply(g, activation, y);
                    }
                    y = linear(g, p, "_stack." + (2 * i), y, size.getAsInt(), width, true);
                    width = size.getAsInt();
                    i++;
                }
                yield y;
            }
            case SoftmaxEmbeddingsHead.TYPE -> {
                int groups = config.get("output_groups").getAsInt();
                int perGroup = config.get("output_size_per_group").getAsInt();
                String projected = linear(g, p, "projection_layer", x, groups * perGroup, in, true);
                String grouped = g.op("Reshape", List.of(projected, g.shape(0, groups, perGroup)));
                String soft = g.op("Softmax", List.of(grouped), GraphBuilder.intAttr("axis", 2));
                yield g.op("Reshape", List.of(soft, g.shape(0, -1)));
            }
            case SequentialHead.TYPE -> {
                String y = x;
                for (EncoderHead part : ((SequentialHead) head).heads()) {
                    y = append(g, part, y);
                }
                yield y;
            }
            default -> throw new OnnxExportException("head '" + head.typeName() + "' has no ONNX form");
        };
    }

    /** {@code y = x·Wᵀ + b} as one Gemm (a layer without bias adds zeros, which changes no value). */
    private static String linear(GraphBuilder g, Map<String, Parameter> p, String layer, String x, int out, int in,
            boolean bias) {
        String w = g.floats("weight", values(p.get(layer + ".weight")), out, in);
        String b = g.floats("bias", bias ? values(p.get(layer + ".bias")) : new float[out], out);
        return g.op("Gemm", List.of(x, w, b), GraphBuilder.intAttr("transB", 1));
    }

    private static float[] values(Parameter parameter) {
        return parameter.getArray().toFloatArray(); // the exporter admits float32 models only
    }

    /** A function of a parameter's values, computed by the parameter's own engine. */
    private static float[] mapped(Parameter parameter, UnaryOperator<NDArray> f) {
        NDArray array = parameter.getArray();
        try (NDManager scratch = array.getManager().newSubManager()) {
            NDArray copy = scratch.create(array.toFloatArray(), array.getShape());
            return f.apply(copy).toFloatArray();
        }
    }
}
