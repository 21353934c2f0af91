package org.quaterion.onnx.transformer;

import static org.quaterion.onnx.transformer.GraphOps.attr;
import static org.quaterion.onnx.transformer.GraphOps.ints;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.ModelProto;
import org.quaterion.onnx.proto.Onnx.NodeProto;
import org.quaterion.onnx.proto.Onnx.OperatorSetIdProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;

/**
 * Writes a {@link TransformerBlock} as ONNX operators: the same computation, op for op, from token ids to the pooled
 * (and, when the block normalises, L2-normalised) sentence embedding, with the block's weights as initializers under
 * their Hugging Face names and any LoRA adapters folded into the weights they adapt ({@code W + (alpha / r) B A}).
 *
 * <p>The graph is built from the layers rather than by writing the weights back into an ONNX file the model started
 * from, because a fine-tuned transformer usually has no such file: it may have started from a Hugging Face
 * checkpoint, its servable keeps safetensors weights, and an int8 source graph could not hold fine-tuned float
 * weights without quantising them again. Operator set {@value #OPSET} (for {@code LayerNormalization}); inputs
 * {@code input_ids}, {@code attention_mask} and, when the model has more than one token type, {@code token_type_ids},
 * each int64 {@code (batch, sequence)}.
 */
public final class TransformerGraph {

    /** The ONNX operator set the graph uses. */
    public static final int OPSET = 17;
    /** The ONNX IR version written with {@link #OPSET}. */
    public static final long IR_VERSION = 8;
    /** The token ids input. */
    public static final String INPUT_IDS = "input_ids";
    /** The attention mask input (1 on tokens, 0 on padding). */
    public static final String ATTENTION_MASK = "attention_mask";
    /** The token types input, present when the model has more than one token type. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** The output name {@link #model} gives the token states {@code (batch, sequence, hidden)}. */
    public static final String TOKEN_EMBEDDINGS = "token_embeddings";
    /** The output name {@link #model} gives the sentence embeddings {@code (batch, hidden)}. */
    public static final String SENTENCE_EMBEDDING = "sentence_embedding";

    /**
     * The most bytes of weights one ONNX file holds: a protobuf message stops at 2 GiB, and the graph itself needs
     * some room beside the weights.
     */
    static final long MAX_WEIGHT_BYTES = (2L << 30) - (16L << 20);

    private TransformerGraph() {}

    /**
     * The values {@link #append} added.
     *
     * @param inputs the graph inputs it declared, in order
     * @param tokenEmbeddings the last layer's token states {@code (batch, sequence, hidden)}
     * @param sentenceEmbedding the pooled (and normalised, when the block normalises) embeddings
     *     {@code (batch, hidden)}
     * @param dimension the sentence embedding's size
     */
    public record Outputs(List<String> inputs, String tokenEmbeddings, String sentenceEmbedding, int dimension) {}

    /**
     * A whole model: the block's graph with outputs {@value #TOKEN_EMBEDDINGS} and {@value #SENTENCE_EMBEDDING}.
     *
     * @param block an initialised block
     * @return the model
     * @throws IllegalArgumentException when the weights do not fit in one ONNX file
     * @throws IllegalStateException when the block is not initialised
     */
    public static ModelProto model(TransformerBlock block) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("quaterion-transformer");
        Outputs out = append(graph, block);
        int hidden = block.config().hiddenSize();
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(TOKEN_EMBEDDINGS)
                .addInput(out.tokenEmbeddings()).addOutput(TOKEN_EMBEDDINGS));
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(SENTENCE_EMBEDDING)
                .addInput(out.sentenceEmbedding()).addOutput(SENTENCE_EMBEDDING));
        graph.addOutput(GraphOps.tensor(TOKEN_EMBEDDINGS, TensorProto.DataType.FLOAT_VALUE, "batch", "sequence",
                hidden));
        graph.addOutput(GraphOps.tensor(SENTENCE_EMBEDDING, TensorProto.DataType.FLOAT_VALUE, "batch",
                out.dimension()));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).addOpsetImport(OperatorSetIdProto.newBuilder()
                .setDomain("").setVersion(OPSET)).setProducerName("quaterion").setGraph(graph).build();
    }

    /**
     * Adds the block's inputs, initializers and nodes to a graph (whose model imports operator set {@value #OPSET}
     * or later), leaving the outputs to the caller, which may append a head to the sentence embedding.
     *
     * @param graph the graph, which must not have the inputs or weight names already
     * @param block an initialised block
     * @return the inputs declared and the values to continue from
     * @throws IllegalArgumentException when the weights do not fit in one ONNX file, or the graph has a text input
     *     already
     * @throws IllegalStateException when the block is not initialised
     */
    public static Outputs append(GraphProto.Builder graph, TransformerBlock block) {
        TransformerConfig c = block.config();
        long bytes = 4 * parameters(c);
        if (bytes > MAX_WEIGHT_BYTES) {
            throw new IllegalArgumentException(String.format("the transformer's weights take %.2f GiB and one ONNX "
                    + "file holds at most 2 GiB (protobuf's limit on a message); this export writes no external data "
                    + "files: save it with TrainableTransformer.saveMerged and convert that Hugging Face directory "
                    + "with Hugging Face Optimum instead", bytes / (double) (1L << 30)));
        }
        if (!block.isInitialized()) {
            throw new IllegalStateException("the transformer has no weights yet: initialise its encoder (a "
                    + "SimilarityModel built with it or loaded does) before exporting it");
        }
        List<String> inputs = new ArrayList<>(List.of(INPUT_IDS, ATTENTION_MASK));
        boolean types = c.typeVocabSize() > 1;
        if (types) {
            inputs.add(TOKEN_TYPE_IDS);
        }
        for (var declared : graph.getInputList()) {
            if (inputs.contains(declared.getName())) {
                throw new IllegalArgumentException("the graph already has an input '" + declared.getName() + "': "
                        + "one ONNX graph holds one text encoder (a model that joins several encoders of text cannot "
                        + "be exported as one graph)");
            }
        }
        for (String name : inputs) {
            graph.addInput(GraphOps.tensor(name, TensorProto.DataType.INT64_VALUE, "batch", "sequence"));
        }
        GraphOps g = new GraphOps(graph, "encoder/");
        Map<String, NDArray> weights = block.weights(true);
        try {
            weights.forEach(g::initializer);
        } finally {
            weights.values().forEach(NDArray::close);
        }
        String x = embeddings(g, c, types);
        String maskFloat = g.op("Cast", "mask/float", List.of(ATTENTION_MASK), attr("to",
                (long) TensorProto.DataType.FLOAT_VALUE));
        // (mask - 1) * 1e4 on the scores of padding, (B, 1, 1, L) to broadcast over heads and queries
        String bias = g.op("Mul", "mask/bias_flat", List.of(g.op("Sub", "mask/minus_one", List.of(maskFloat,
                g.scalar("mask/one", 1f))), g.scalar("mask/scale", 1e4f)));
        bias = g.op("Unsqueeze", "mask/bias", List.of(bias, g.int64("mask/axes", true, 1, 2)));
        Layers shared = new Layers(g.int64("heads_shape", true, 0, 0, c.heads(), c.hiddenSize() / c.heads()),
                g.int64("hidden_shape", true, 0, 0, c.hiddenSize()), g.scalar("sqrt_head_size",
                        (float) Math.sqrt(c.hiddenSize() / c.heads())), bias);
        for (int l = 0; l < c.layers(); l++) {
            x = layer(g, c, x, l, shared);
        }
        String pooled = PoolingGraph.pool(g, block.pooling(), block.normalizes(), x, maskFloat);
        return new Outputs(List.copyOf(inputs), x, pooled, c.hiddenSize());
    }

    /** The number of weights of a transformer of this shape (without adapters, which merge into them). */
    static long parameters(TransformerConfig c) {
        long h = c.hiddenSize();
        long inter = c.intermediateSize();
        long embeddings = ((long) c.vocabSize() + c.maxPositions() + c.typeVocabSize() + 2) * h;
        long layer = 4 * (h * h + h) + 2 * inter * h + inter + h + 4 * h;
        return embeddings + c.layers() * layer;
    }

    /** Values every layer reads. */
    private record Layers(String headsShape, String hiddenShape, String sqrtHeadSize, String maskBias) {}

    private static String embeddings(GraphOps g, TransformerConfig c, boolean types) {
        String words = g.op("Gather", "embeddings/words", List.of("embeddings.word_embeddings.weight", INPUT_IDS));
        String positions = g.op("Gather", "embeddings/positions", List.of("embeddings.position_embeddings.weight",
                positionIds(g, c)));
        String typeIds = types ? TOKEN_TYPE_IDS : g.int64("embeddings/type_id", false, 0);
        String type = g.op("Gather", "embeddings/types", List.of("embeddings.token_type_embeddings.weight", typeIds));
        String sum = g.op("Add", "embeddings/sum", List.of(g.op("Add", "embeddings/words_positions",
                List.of(words, positions)), type));
        return layerNorm(g, c, sum, "embeddings.LayerNorm", "embeddings/norm");
    }

    /** BERT: {@code 0 … L-1}; XLM-RoBERTa: {@code pad + 1 …} over non-padding tokens, {@code pad} on padding. */
    private static String positionIds(GraphOps g, TransformerConfig c) {
        if (c.architecture() == TransformerConfig.Architecture.BERT) {
            String one = g.int64("embeddings/one", false, 1);
            String length = g.op("Gather", "embeddings/length", List.of(g.op("Shape", "embeddings/shape",
                    List.of(INPUT_IDS)), one), attr("axis", 0L));
            String range = g.op("Range", "embeddings/range", List.of(g.int64("embeddings/zero", false, 0), length,
                    one));
            return g.op("Unsqueeze", "embeddings/position_ids", List.of(range, g.int64("embeddings/batch_axis", true,
                    0)));
        }
        String pad = g.int64("embeddings/pad", false, c.padTokenId());
        String real = g.op("Cast", "embeddings/real", List.of(g.op("Not", "embeddings/not_pad", List.of(g.op("Equal",
                "embeddings/is_pad", List.of(INPUT_IDS, pad))))), attr("to", (long) TensorProto.DataType.INT64_VALUE));
        String counted = g.op("CumSum", "embeddings/counted", List.of(real, g.int64("embeddings/sequence_axis", false,
                1)));
        return g.op("Add", "embeddings/position_ids", List.of(g.op("Mul", "embeddings/real_positions",
                List.of(counted, real)), pad));
    }

    private static String layer(GraphOps g, TransformerConfig c, String x, int l, Layers shared) {
        String w = "encoder.layer." + l + ".";
        String n = "layer." + l + "/";
        String q = heads(g, linear(g, x, w + "attention.self.query", n + "query"), shared, n + "query", 0, 2, 1, 3);
        // keys go straight to (B, heads, head size, L), the transposed operand of the score product
        String k = heads(g, linear(g, x, w + "attention.self.key", n + "key"), shared, n + "key", 0, 2, 3, 1);
        String v = heads(g, linear(g, x, w + "attention.self.value", n + "value"), shared, n + "value", 0, 2, 1, 3);
        String scores = g.op("Div", n + "scores_scaled", List.of(g.op("MatMul", n + "scores", List.of(q, k)),
                shared.sqrtHeadSize()));
        scores = g.op("Add", n + "scores_masked", List.of(scores, shared.maskBias()));
        String probs = g.op("Softmax", n + "probs", List.of(scores), attr("axis", -1L));
        String context = g.op("Transpose", n + "context_t", List.of(g.op("MatMul", n + "context_heads",
                List.of(probs, v))), ints("perm", 0, 2, 1, 3));
        context = g.op("Reshape", n + "context", List.of(context, shared.hiddenShape()));
        String attended = layerNorm(g, c, g.op("Add", n + "attention_residual", List.of(linear(g, context,
                w + "attention.output.dense", n + "attention_output"), x)), w + "attention.output.LayerNorm",
                n + "attention_norm");
        String ff = linear(g, activation(g, c, linear(g, attended, w + "intermediate.dense", n + "intermediate"),
                n + "activation"), w + "output.dense", n + "output");
        return layerNorm(g, c, g.op("Add", n + "output_residual", List.of(ff, attended)), w + "output.LayerNorm",
                n + "output_norm");
    }

    /** {@code (B, L, hidden)} to {@code (B, L, heads, head size)}, then permuted. */
    private static String heads(GraphOps g, String x, Layers shared, String name, long... perm) {
        return g.op("Transpose", name + "_heads", List.of(g.op("Reshape", name + "_split", List.of(x,
                shared.headsShape()))), ints("perm", perm));
    }

    /** {@code x W^T + b} with the weight in PyTorch's {@code (out, in)} layout (ONNX Runtime folds the transpose). */
    private static String linear(GraphOps g, String x, String weights, String name) {
        String transposed = g.op("Transpose", name + "_weight_t", List.of(weights + ".weight"), ints("perm", 1, 0));
        return g.op("Add", name, List.of(g.op("MatMul", name + "_matmul", List.of(x, transposed)),
                weights + ".bias"));
    }

    private static String layerNorm(GraphOps g, TransformerConfig c, String x, String weights, String name) {
        return g.op("LayerNormalization", name, List.of(x, weights + ".weight", weights + ".bias"), attr("axis", -1L),
                attr("epsilon", (float) c.layerNormEps()));
    }

    private static String activation(GraphOps g, TransformerConfig c, String x, String name) {
        return switch (c.activation()) {
            case RELU -> g.op("Relu", name, List.of(x));
            case GELU -> {
                // x * 0.5 * (1 + erf(x / sqrt 2))
                String erf = g.op("Erf", name + "_erf", List.of(g.op("Div", name + "_scaled", List.of(x,
                        g.scalar(name + "_sqrt2", (float) Math.sqrt(2))))));
                yield g.op("Mul", name, List.of(g.op("Mul", name + "_gated", List.of(x, g.op("Add", name + "_erf1",
                        List.of(erf, g.scalar(name + "_one", 1f))))), g.scalar(name + "_half", 0.5f)));
            }
            case GELU_TANH -> {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                String cube = g.op("Pow", name + "_cube", List.of(x, g.scalar(name + "_three", 3f)));
                String inner = g.op("Add", name + "_inner", List.of(x, g.op("Mul", name + "_cubic", List.of(cube,
                        g.scalar(name + "_c", 0.044715f)))));
                String tanh = g.op("Tanh", name + "_tanh", List.of(g.op("Mul", name + "_arg", List.of(inner,
                        g.scalar(name + "_k", (float) Math.sqrt(2 / Math.PI))))));
                yield g.op("Mul", name, List.of(g.op("Mul", name + "_gated", List.of(x, g.op("Add", name + "_tanh1",
                        List.of(tanh, g.scalar(name + "_one", 1f))))), g.scalar(name + "_half", 0.5f)));
            }
        };
    }
}
