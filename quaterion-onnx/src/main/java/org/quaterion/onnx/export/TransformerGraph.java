package org.quaterion.onnx.export;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.proto.Onnx.AttributeProto;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;
import org.quaterion.onnx.proto.Onnx.TensorShapeProto;
import org.quaterion.onnx.proto.Onnx.TypeProto;
import org.quaterion.onnx.proto.Onnx.ValueInfoProto;
import org.quaterion.onnx.transformer.TransformerBlock;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * A fine-tuned {@link TrainableTransformer} as ONNX operators, built from its layers: the computation of its
 * {@link TransformerBlock}, op for op, from token ids to the last layer's token states, with the block's weights as
 * initializers and any LoRA adapters folded into the weights they adapt ({@code W + (alpha / r) B A}).
 *
 * <p>The graph is built rather than the weights written back into the ONNX file the model started from, because a
 * fine-tuned transformer usually has no such file: it may have started from a Hugging Face checkpoint, its servable
 * keeps safetensors weights, and an int8 source graph could not hold fine-tuned float weights without quantising them
 * again. Operator set {@value #OPSET} (for {@code LayerNormalization}); inputs {@code input_ids},
 * {@code attention_mask} and, when the model has more than one token type, {@code token_type_ids}, each int64
 * {@code (batch, sequence)}.
 */
final class TransformerGraph {

    /** The ONNX operator set the graph uses. */
    static final int OPSET = 17;
    /** The ONNX IR version written with {@link #OPSET}. */
    static final long IR_VERSION = 8;
    /** The token types input, declared when the model has more than one token type. */
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    /**
     * The most bytes of weights one ONNX file holds: a protobuf message stops at 2 GiB, and the graph needs some room
     * beside the weights.
     */
    static final long MAX_WEIGHT_BYTES = (2L << 30) - (16L << 20);

    private TransformerGraph() {}

    /**
     * Refuses a transformer that cannot be exported, before anything is built.
     *
     * @param encoder the encoder
     * @throws OnnxExportException when its weights do not fit in one ONNX file
     * @throws IllegalStateException when it is not initialised
     */
    static void check(TrainableTransformer encoder) {
        long bytes = 4 * parameters(encoder.config());
        if (bytes > MAX_WEIGHT_BYTES) {
            throw new OnnxExportException(String.format("the transformer's weights take %.2f GiB and one ONNX file "
                    + "holds at most 2 GiB (protobuf's limit on a message); this export writes no external data "
                    + "files: save the encoder with TrainableTransformer.saveMerged and convert that Hugging Face "
                    + "directory with Hugging Face Optimum instead", bytes / (double) (1L << 30)));
        }
        if (!encoder.block().isInitialized()) {
            throw new IllegalStateException("the transformer has no weights yet: initialise its encoder (a "
                    + "SimilarityModel built with it or loaded does) before exporting it");
        }
    }

    /** The number of weights of a transformer of this shape (without adapters, which merge into them). */
    static long parameters(TransformerConfig c) {
        long h = c.hiddenSize();
        long inter = c.intermediateSize();
        long embeddings = ((long) c.vocabSize() + c.maxPositions() + c.typeVocabSize() + 2) * h;
        long layer = 4 * (h * h + h) + 2 * inter * h + inter + h + 4 * h;
        return embeddings + c.layers() * layer;
    }

    /**
     * The graph inputs of a transformer of this shape.
     *
     * @param c the shape
     * @return {@code input_ids}, {@code attention_mask} and, with more than one token type, {@code token_type_ids}
     */
    static List<String> inputs(TransformerConfig c) {
        List<String> inputs = new ArrayList<>(List.of(OnnxExport.INPUT_IDS, OnnxExport.ATTENTION_MASK));
        if (c.typeVocabSize() > 1) {
            inputs.add(TOKEN_TYPE_IDS);
        }
        return List.copyOf(inputs);
    }

    /**
     * A graph holding the transformer's inputs, initializers and nodes, up to the last layer's token states.
     *
     * @param encoder a {@linkplain #check checked} encoder
     * @param graph an empty graph to fill
     * @return the builder over the graph (to append pooling, head and outputs) and the token states' name
     */
    static Built build(TrainableTransformer encoder, GraphProto.Builder graph) {
        TransformerBlock block = encoder.block();
        TransformerConfig c = block.config();
        List<String> inputs = inputs(c);
        for (String name : inputs) {
            graph.addInput(int64Input(name));
        }
        Map<String, NDArray> weights = block.weights(true);
        Map<String, String> w = new HashMap<>(); // Hugging Face name -> initializer name
        GraphBuilder g = new GraphBuilder(graph);
        try {
            weights.forEach((name, array) -> w.put(name, g.floats(name, array.toFloatArray(), array.getShape()
                    .getShape())));
        } finally {
            weights.values().forEach(NDArray::close);
        }
        String x = embeddings(g, c, w, inputs.contains(TOKEN_TYPE_IDS));
        String mask = g.op("Cast", List.of(OnnxExport.ATTENTION_MASK), GraphBuilder.intAttr("to",
                GraphBuilder.FLOAT));
        // (mask - 1) * 1e4 on the scores of padding, (B, 1, 1, L) to broadcast over heads and queries
        String bias = g.op("Mul", List.of(g.op("Sub", List.of(mask, g.scalar("one", 1f))), g.scalar("mask_scale",
                1e4f)));
        int headSize = c.hiddenSize() / c.heads();
        Shared shared = new Shared(g.shape(0, 0, c.heads(), headSize), g.shape(0, 0, c.hiddenSize()),
                g.scalar("sqrt_head_size", (float) Math.sqrt(headSize)), g.op("Reshape", List.of(bias, g.shape(0, 1,
                        1, -1))));
        for (int l = 0; l < c.layers(); l++) {
            x = layer(g, c, w, x, "encoder.layer." + l + ".", shared);
        }
        return new Built(g, inputs, x);
    }

    /**
     * What {@link #build} made.
     *
     * @param builder the builder over the graph
     * @param inputs the inputs declared
     * @param tokenStates the last layer's token states {@code (batch, sequence, hidden)}
     */
    record Built(GraphBuilder builder, List<String> inputs, String tokenStates) {}

    /** Values every layer reads. */
    private record Shared(String headsShape, String hiddenShape, String sqrtHeadSize, String maskBias) {}

    private static ValueInfoProto int64Input(String name) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("sequence"));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE).setShape(shape))).build();
    }

    private static String embeddings(GraphBuilder g, TransformerConfig c, Map<String, String> w, boolean types) {
        String words = g.op("Gather", List.of(w.get("embeddings.word_embeddings.weight"), OnnxExport.INPUT_IDS));
        String positions = g.op("Gather", List.of(w.get("embeddings.position_embeddings.weight"), positionIds(g, c)));
        String typeIds = types ? TOKEN_TYPE_IDS : g.longs("type_id", new long[] {0});
        String type = g.op("Gather", List.of(w.get("embeddings.token_type_embeddings.weight"), typeIds));
        String sum = g.op("Add", List.of(g.op("Add", List.of(words, positions)), type));
        return layerNorm(g, c, w, sum, "embeddings.LayerNorm");
    }

    /** BERT: {@code 0 … L-1}; XLM-RoBERTa: {@code pad + 1 …} over non-padding tokens, {@code pad} on padding. */
    private static String positionIds(GraphBuilder g, TransformerConfig c) {
        if (c.architecture() == TransformerConfig.Architecture.BERT) {
            String one = g.longs("one", new long[] {1});
            String length = g.op("Gather", List.of(g.op("Shape", List.of(OnnxExport.INPUT_IDS)), one),
                    GraphBuilder.intAttr("axis", 0));
            String range = g.op("Range", List.of(g.longs("zero", new long[] {0}), length, one));
            return g.op("Unsqueeze", List.of(range, g.longs("batch_axis", new long[] {0}, 1)));
        }
        String pad = g.longs("pad", new long[] {c.padTokenId()});
        String real = g.op("Cast", List.of(g.op("Not", List.of(g.op("Equal", List.of(OnnxExport.INPUT_IDS, pad))))),
                GraphBuilder.intAttr("to", GraphBuilder.INT64));
        String counted = g.op("CumSum", List.of(real, g.longs("sequence_axis", new long[] {1})));
        return g.op("Add", List.of(g.op("Mul", List.of(counted, real)), pad));
    }

    private static String layer(GraphBuilder g, TransformerConfig c, Map<String, String> w, String x, String p, Shared shared) {
        String q = heads(g, linear(g, w, x, p + "attention.self.query"), shared, 0, 2, 1, 3);
        // keys go straight to (B, heads, head size, L), the transposed operand of the score product
        String k = heads(g, linear(g, w, x, p + "attention.self.key"), shared, 0, 2, 3, 1);
        String v = heads(g, linear(g, w, x, p + "attention.self.value"), shared, 0, 2, 1, 3);
        String scores = g.op("Div", List.of(g.op("MatMul", List.of(q, k)), shared.sqrtHeadSize()));
        String probs = g.op("Softmax", List.of(g.op("Add", List.of(scores, shared.maskBias()))),
                GraphBuilder.intAttr("axis", -1));
        String context = g.op("Transpose", List.of(g.op("MatMul", List.of(probs, v))), perm(0, 2, 1, 3));
        context = g.op("Reshape", List.of(context, shared.hiddenShape()));
        String attended = layerNorm(g, c, w, g.op("Add", List.of(linear(g, w, context, p + "attention.output.dense"),
                x)), p + "attention.output.LayerNorm");
        String ff = linear(g, w, activation(g, c, linear(g, w, attended, p + "intermediate.dense")),
                p + "output.dense");
        return layerNorm(g, c, w, g.op("Add", List.of(ff, attended)), p + "output.LayerNorm");
    }

    /** {@code (B, L, hidden)} to {@code (B, L, heads, head size)}, then permuted. */
    private static String heads(GraphBuilder g, String x, Shared shared, long... perm) {
        return g.op("Transpose", List.of(g.op("Reshape", List.of(x, shared.headsShape()))), perm(perm));
    }

    /** {@code x W^T + b} with the weight in PyTorch's {@code (out, in)} layout (ONNX Runtime folds the transpose). */
    private static String linear(GraphBuilder g, Map<String, String> w, String x, String layer) {
        String transposed = g.op("Transpose", List.of(w.get(layer + ".weight")), perm(1, 0));
        return g.op("Add", List.of(g.op("MatMul", List.of(x, transposed)), w.get(layer + ".bias")));
    }

    private static String layerNorm(GraphBuilder g, TransformerConfig c, Map<String, String> w, String x, String norm) {
        return g.op("LayerNormalization", List.of(x, w.get(norm + ".weight"), w.get(norm + ".bias")),
                GraphBuilder.intAttr("axis", -1), GraphBuilder.floatAttr("epsilon", (float) c.layerNormEps()));
    }

    private static String activation(GraphBuilder g, TransformerConfig c, String x) {
        return switch (c.activation()) {
            case GELU -> ActivationGraph.apply(g, "gelu", x);
            case RELU -> ActivationGraph.apply(g, "relu", x);
            case GELU_TANH -> {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                String cube = g.op("Pow", List.of(x, g.scalar("three", 3f)));
                String inner = g.op("Add", List.of(x, g.op("Mul", List.of(cube, g.scalar("gelu_c", 0.044715f)))));
                String tanh = g.op("Tanh", List.of(g.op("Mul", List.of(inner, g.scalar("sqrt_2_over_pi",
                        (float) Math.sqrt(2 / Math.PI))))));
                yield g.op("Mul", List.of(g.op("Mul", List.of(x, g.op("Add", List.of(tanh, g.scalar("one", 1f))))),
                        g.scalar("half", 0.5f)));
            }
        };
    }

    private static AttributeProto perm(long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName("perm")
                .setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
