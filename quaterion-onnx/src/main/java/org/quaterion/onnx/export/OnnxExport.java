package org.quaterion.onnx.export;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.models.LibraryVersion;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.OnnxSentenceEncoder;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.ModelProto;
import org.quaterion.onnx.proto.Onnx.OperatorSetIdProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;
import org.quaterion.onnx.proto.Onnx.ValueInfoProto;
import org.quaterion.onnx.proto.OnnxFiles;
import org.quaterion.onnx.transformer.Pooling;

/**
 * Exports a servable as one ONNX graph: a frozen {@link OnnxSentenceEncoder}'s own graph with its pooling, its
 * normalisation and the head's ops appended, or a fine-tuned {@link TrainableTransformer} as a graph built from its
 * layers (opset 17, LoRA adapters folded into the weights) followed by the same pooling, normalisation and head. The directory holds {@code model.onnx} (inputs
 * {@code input_ids}, {@code attention_mask} and, when the encoder takes it, {@code token_type_ids}, all int64
 * {@code (batch, sequence)}; outputs {@code sentence_embedding_per_token} {@code (batch, sequence, dim)} and
 * {@code sentence_embedding} {@code (batch, dim)}), the encoder's {@code tokenizer.json} and {@code export.json}
 * describing both. See {@link ExportedModel} for the outputs.
 *
 * <p>The directory is written atomically; an existing directory is replaced only when it is empty or an earlier
 * export. A model that cannot be exported (another encoder, several encoders, a switch or custom head, float64) is
 * refused with an {@link OnnxExportException} before anything is written.
 */
public final class OnnxExport {

    /** The artifact kind of an export directory (its {@link AtomicDirectory#MARKER}). */
    public static final String KIND = "onnx-export";
    /** The value of {@code format} in {@code export.json}. */
    public static final String FORMAT = "quaterion-onnx-export";

    static final String ATTENTION_MASK = "attention_mask";
    static final String INPUT_IDS = "input_ids";
    /** Erf (GELU) and broadcasting Max/Min need opset 9 of the default domain. */
    private static final long MIN_OPSET = 9;

    private OnnxExport() {}

    /**
     * Loads a servable and exports it.
     *
     * @param servable a directory written by {@link SimilarityModel#save}
     * @param dir the export directory to create (or replace, when it is empty or an earlier export)
     * @return what was written
     * @throws IOException when reading or writing fails
     * @throws OnnxExportException when the model cannot be exported, naming the part and what to do
     */
    public static ExportedModel export(Path servable, Path dir) throws IOException {
        AtomicDirectory.checkReplaceable(dir, KIND);
        try (SimilarityModel<Object> model = SimilarityModel.load(servable)) {
            return export(model, dir);
        }
    }

    /**
     * Exports a model.
     *
     * @param model a model in float32 with one {@link OnnxSentenceEncoder} or {@link TrainableTransformer} and any
     *     built-in head but {@code switch} (a sequential head of them included)
     * @param dir the export directory to create (or replace, when it is empty or an earlier export)
     * @return what was written
     * @throws IOException when reading or writing fails
     * @throws OnnxExportException when the model cannot be exported, naming the part and what to do
     */
    public static ExportedModel export(SimilarityModel<?> model, Path dir) throws IOException {
        Encoder<?> encoder = onlyEncoder(model);
        if (model.dataType() != DataType.FLOAT32) {
            throw new OnnxExportException("the model computes in " + model.dataType() + "; the export writes float32: "
                    + "load the servable with float32 (the default) and export that");
        }
        EncoderHead head = model.head();
        HeadGraph.check(head);
        AtomicDirectory.checkReplaceable(dir, KIND);
        Source source;
        ModelProto exported;
        if (encoder instanceof TrainableTransformer transformer) {
            TransformerGraph.check(transformer);
            source = new Source(transformer.typeName(), transformer.tokenizerFile(), transformer.maxLength(),
                    transformer.block().pooling(), transformer.block().normalizes(), transformer.embeddingSize(),
                    TransformerGraph.inputs(transformer.config()));
            exported = buildTransformer(transformer, head, source);
        } else {
            OnnxSentenceEncoder onnx = (OnnxSentenceEncoder) encoder;
            ModelProto graph = OnnxFiles.read(onnx.modelFile());
            checkSource(graph, onnx);
            source = new Source(onnx.typeName(), onnx.tokenizerFile(), onnx.maxLength(),
                    Pooling.valueOf(onnx.pooling().name()), onnx.normalize(), onnx.embeddingSize(),
                    graph.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
            exported = build(graph, onnx, head, source);
        }
        boolean normalized = endsNormalized(head, source.normalize());
        JsonObject description = describe(model, source, head, normalized);
        AtomicDirectory.write(dir, KIND, tmp -> {
            OnnxFiles.write(exported, tmp.resolve(ExportedModel.MODEL_FILE));
            TokenizerFile.write(source.tokenizer(), source.maxLength(), tmp.resolve(ExportedModel.TOKENIZER_FILE));
            JsonFiles.write(tmp.resolve(ExportedModel.DESCRIPTION_FILE), description);
        });
        return new ExportedModel(dir, head.outputSize(), source.inputs(), normalized);
    }

    /**
     * What the export needs to know of the encoder, whichever kind it is.
     *
     * @param type the encoder's type name
     * @param tokenizer its {@code tokenizer.json}
     * @param maxLength its token limit
     * @param pooling its pooling
     * @param normalize whether it L2-normalises the pooled embedding
     * @param embeddingSize its output width
     * @param inputs the graph's inputs, in order
     */
    private record Source(String type, Path tokenizer, int maxLength, Pooling pooling, boolean normalize,
            int embeddingSize, List<String> inputs) {}

    private static Encoder<?> onlyEncoder(SimilarityModel<?> model) {
        Map<String, ? extends Encoder<?>> encoders = model.encoders();
        if (encoders.size() != 1) {
            throw new OnnxExportException("the model has " + encoders.size() + " encoders " + encoders.keySet()
                    + "; an exported graph holds one: export a model with one OnnxSentenceEncoder or "
                    + "TrainableTransformer");
        }
        Map.Entry<String, ? extends Encoder<?>> only = encoders.entrySet().iterator().next();
        if (!(only.getValue() instanceof OnnxSentenceEncoder) && !(only.getValue() instanceof TrainableTransformer)) {
            throw new OnnxExportException("encoder '" + only.getKey() + "' is a " + only.getValue().typeName() + " ("
                    + only.getValue().getClass().getName() + "); this export takes a frozen ONNX sentence encoder "
                    + "(OnnxSentenceEncoder, e.g. MiniLm.fp32()) or a fine-tuned transformer (TrainableTransformer, "
                    + "e.g. TrainableMiniLm): serve this model with SimilarityModel.load");
        }
        return only.getValue();
    }

    /** Refuses an encoder graph this export cannot extend, naming the file and the reason. */
    private static void checkSource(ModelProto source, OnnxSentenceEncoder encoder) {
        Path file = encoder.modelFile();
        GraphProto graph = source.getGraph();
        List<String> inputs = graph.getInputList().stream().map(ValueInfoProto::getName).toList();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new OnnxExportException("the encoder's graph " + file + " takes inputs " + inputs + ", not "
                    + INPUT_IDS + " and " + ATTENTION_MASK + ": export an encoder with a BERT-style ONNX graph");
        }
        if (graph.getOutputCount() == 0) {
            throw new OnnxExportException("the encoder's graph " + file + " has no output");
        }
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new OnnxExportException("the encoder's graph " + file + " keeps initializer '" + t.getName()
                        + "' in an external data file: use an encoder whose weights are inside its .onnx file");
            }
        }
        long opset = source.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty()
                || o.getDomain().equals("ai.onnx")).mapToLong(OperatorSetIdProto::getVersion).max().orElse(0);
        if (opset < MIN_OPSET) {
            throw new OnnxExportException("the encoder's graph " + file + " uses ONNX opset " + opset + "; the "
                    + "export appends ops of opset " + MIN_OPSET + " or later: convert the encoder to a newer opset "
                    + "(onnx.version_converter) first");
        }
    }

    /** The encoder's graph with pooling, normalisation, head and the two outputs appended. */
    private static ModelProto build(ModelProto source, OnnxSentenceEncoder encoder, EncoderHead head,
            Source description) {
        ModelProto.Builder model = source.toBuilder();
        GraphProto.Builder graph = model.getGraphBuilder();
        String states = graph.getOutput(0).getName();
        GraphBuilder g = new GraphBuilder(graph);
        for (String name : List.of(ExportedModel.SENTENCE_EMBEDDING, ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN)) {
            if (g.uses(name)) {
                throw new OnnxExportException("the encoder's graph " + encoder.modelFile() + " already has a tensor "
                        + "named '" + name + "', the name of an exported output: export from the encoder's "
                        + "transformer graph (token states as its first output) instead");
            }
        }
        graph.clearOutput();
        appendOutputs(graph, g, states, description, head);
        model.setProducerName("quaterion-java").setProducerVersion(LibraryVersion.get());
        return model.build();
    }

    /** The transformer's graph (opset 17) with pooling, normalisation, head and the two outputs appended. */
    private static ModelProto buildTransformer(TrainableTransformer encoder, EncoderHead head, Source description) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("quaterion-transformer");
        TransformerGraph.Built built = TransformerGraph.build(encoder, graph);
        appendOutputs(graph, built.builder(), built.tokenStates(), description, head);
        return ModelProto.newBuilder().setIrVersion(TransformerGraph.IR_VERSION).addOpsetImport(OperatorSetIdProto
                .newBuilder().setDomain("").setVersion(TransformerGraph.OPSET)).setGraph(graph)
                .setProducerName("quaterion-java").setProducerVersion(LibraryVersion.get()).build();
    }

    /** Appends pooling, normalisation, the head and the outputs to token states {@code (B, L, H)}. */
    private static void appendOutputs(GraphProto.Builder graph, GraphBuilder g, String states, Source source,
            EncoderHead head) {
        String mask = g.op("Cast", List.of(ATTENTION_MASK), GraphBuilder.intAttr("to", GraphBuilder.FLOAT));
        String maskColumn = g.op("Reshape", List.of(mask, g.shape(0, -1, 1))); // (B, L, 1)
        String pooled = PoolingGraph.pool(g, states, maskColumn, source.pooling());
        if (source.normalize()) {
            pooled = PoolingGraph.normalize(g, pooled, source.embeddingSize());
        }
        String embedding = HeadGraph.append(g, head, pooled);
        g.opNamed("Identity", List.of(embedding), ExportedModel.SENTENCE_EMBEDDING);
        // every token row carries the sentence embedding: zeros (B, L, 1) + (B, 1, D)
        String zeros = g.op("Mul", List.of(maskColumn, g.scalar("zero", 0f)));
        String row = g.op("Reshape", List.of(ExportedModel.SENTENCE_EMBEDDING, g.shape(0, 1, -1)));
        g.opNamed("Add", List.of(zeros, row), ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN);
        String batch = dimName(graph, 0, "batch");
        String sequence = dimName(graph, 1, "sequence");
        g.output(ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN, batch, sequence, head.outputSize());
        g.output(ExportedModel.SENTENCE_EMBEDDING, batch, head.outputSize());
    }

    /** The symbolic name the graph gives a dimension of {@code input_ids} (so outputs share it), or a default. */
    private static String dimName(GraphProto.Builder graph, int axis, String fallback) {
        for (ValueInfoProto input : graph.getInputList()) {
            if (input.getName().equals(INPUT_IDS) && input.getType().getTensorType().getShape().getDimCount() > axis) {
                String name = input.getType().getTensorType().getShape().getDim(axis).getDimParam();
                return name.isEmpty() ? fallback : name;
            }
        }
        return fallback;
    }

    /** Whether the last op is an L2 normalisation (a normalize head, or a normalising encoder under empty heads). */
    static boolean endsNormalized(EncoderHead head, boolean encoderNormalized) {
        if (head instanceof NormalizeHead) {
            return true;
        }
        if (head instanceof EmptyHead) {
            return encoderNormalized;
        }
        if (head instanceof SequentialHead sequential) {
            boolean normalized = encoderNormalized;
            for (EncoderHead part : sequential.heads()) {
                normalized = endsNormalized(part, normalized);
            }
            return normalized;
        }
        return false;
    }

    private static JsonObject describe(SimilarityModel<?> model, Source encoder, EncoderHead head,
            boolean normalized) {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("format_version", 1);
        json.addProperty("library_version", LibraryVersion.get());
        json.addProperty("model", ExportedModel.MODEL_FILE);
        json.addProperty("tokenizer", ExportedModel.TOKENIZER_FILE);
        JsonArray in = new JsonArray();
        encoder.inputs().forEach(in::add);
        json.add("inputs", in);
        JsonObject outputs = new JsonObject();
        outputs.add(ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN, shape("batch", "sequence", head.outputSize()));
        outputs.add(ExportedModel.SENTENCE_EMBEDDING, shape("batch", head.outputSize()));
        json.add("outputs", outputs);
        json.addProperty("dimension", head.outputSize());
        json.addProperty("normalized", normalized);
        json.addProperty("max_length", encoder.maxLength());
        JsonObject enc = new JsonObject();
        enc.addProperty("type", encoder.type());
        enc.addProperty("pooling", encoder.pooling().configName());
        enc.addProperty("normalize", encoder.normalize());
        enc.addProperty("embedding_size", encoder.embeddingSize());
        json.add("encoder", enc);
        JsonObject h = new JsonObject();
        h.addProperty("type", head.typeName());
        h.add("config", head.config());
        json.add("head", h);
        Prompts prompts = model.prompts();
        if (prompts.hasPrefix()) {
            // the graph takes token ids: whoever tokenises adds the prefix, as encodeQueries/encodeDocuments do
            JsonObject p = new JsonObject();
            p.addProperty("query_prefix", prompts.prefix(Prompts.Role.QUERY));
            p.addProperty("document_prefix", prompts.prefix(Prompts.Role.DOCUMENT));
            prompts.defaultRole().ifPresent(r -> p.addProperty("default_role", r.key()));
            json.add("prompts", p);
        }
        JsonObject lc4j = new JsonObject();
        lc4j.addProperty("pooling_mode", "CLS");
        lc4j.addProperty("normalizes", true);
        json.add("langchain4j", lc4j);
        return json;
    }

    private static JsonArray shape(Object... dims) {
        JsonArray a = new JsonArray();
        for (Object d : dims) {
            if (d instanceof Number n) {
                a.add(n);
            } else {
                a.add(String.valueOf(d));
            }
        }
        return a;
    }
}
