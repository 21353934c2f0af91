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
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.ModelProto;
import org.quaterion.onnx.proto.Onnx.OperatorSetIdProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;
import org.quaterion.onnx.proto.Onnx.ValueInfoProto;
import org.quaterion.onnx.proto.OnnxFiles;

/**
 * Exports a servable whose encoder is a frozen {@link OnnxSentenceEncoder} as one ONNX graph: the encoder's graph with
 * its pooling, its normalisation and the head's ops appended. The directory holds {@code model.onnx} (inputs
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

    private static final String ATTENTION_MASK = "attention_mask";
    private static final String INPUT_IDS = "input_ids";
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
     * @param model a model with one {@link OnnxSentenceEncoder} and a head of {@link HeadGraph#SUPPORTED}'s types,
     *     in float32
     * @param dir the export directory to create (or replace, when it is empty or an earlier export)
     * @return what was written
     * @throws IOException when reading or writing fails
     * @throws OnnxExportException when the model cannot be exported, naming the part and what to do
     */
    public static ExportedModel export(SimilarityModel<?> model, Path dir) throws IOException {
        OnnxSentenceEncoder encoder = onlyEncoder(model);
        if (model.dataType() != DataType.FLOAT32) {
            throw new OnnxExportException("the model computes in " + model.dataType() + "; the export writes float32: "
                    + "load the servable with float32 (the default) and export that");
        }
        EncoderHead head = model.head();
        HeadGraph.check(head);
        AtomicDirectory.checkReplaceable(dir, KIND);
        ModelProto source = OnnxFiles.read(encoder.modelFile());
        checkSource(source, encoder);
        List<String> inputs = source.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList();
        ModelProto exported = build(source, encoder, head);
        boolean normalized = endsNormalized(head, encoder.normalize());
        JsonObject description = describe(model, encoder, head, inputs, normalized);
        AtomicDirectory.write(dir, KIND, tmp -> {
            OnnxFiles.write(exported, tmp.resolve(ExportedModel.MODEL_FILE));
            TokenizerFile.write(encoder.tokenizerFile(), encoder.maxLength(), tmp.resolve(
                    ExportedModel.TOKENIZER_FILE));
            JsonFiles.write(tmp.resolve(ExportedModel.DESCRIPTION_FILE), description);
        });
        return new ExportedModel(dir, head.outputSize(), inputs, normalized);
    }

    private static OnnxSentenceEncoder onlyEncoder(SimilarityModel<?> model) {
        Map<String, ? extends Encoder<?>> encoders = model.encoders();
        if (encoders.size() != 1) {
            throw new OnnxExportException("the model has " + encoders.size() + " encoders " + encoders.keySet()
                    + "; an exported graph holds one: export a model with one OnnxSentenceEncoder");
        }
        Map.Entry<String, ? extends Encoder<?>> only = encoders.entrySet().iterator().next();
        if (!(only.getValue() instanceof OnnxSentenceEncoder onnx)) {
            throw new OnnxExportException("encoder '" + only.getKey() + "' is a " + only.getValue().typeName() + " ("
                    + only.getValue().getClass().getName() + "); this export takes a frozen ONNX sentence encoder "
                    + "(OnnxSentenceEncoder, e.g. MiniLm.fp32()): serve this model with SimilarityModel.load");
        }
        return onnx;
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
    private static ModelProto build(ModelProto source, OnnxSentenceEncoder encoder, EncoderHead head) {
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
        String mask = g.op("Cast", List.of(ATTENTION_MASK), GraphBuilder.intAttr("to", GraphBuilder.FLOAT));
        String maskColumn = g.op("Reshape", List.of(mask, g.shape(0, -1, 1))); // (B, L, 1)
        String pooled = PoolingGraph.pool(g, states, maskColumn, encoder.pooling());
        if (encoder.normalize()) {
            pooled = PoolingGraph.normalize(g, pooled, encoder.embeddingSize());
        }
        String embedding = HeadGraph.append(g, head, pooled);
        g.opNamed("Identity", List.of(embedding), ExportedModel.SENTENCE_EMBEDDING);
        // every token row carries the sentence embedding: zeros (B, L, 1) + (B, 1, D)
        String zeros = g.op("Mul", List.of(maskColumn, g.scalar("zero", 0f)));
        String row = g.op("Reshape", List.of(ExportedModel.SENTENCE_EMBEDDING, g.shape(0, 1, -1)));
        g.opNamed("Add", List.of(zeros, row), ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN);
        g.output(ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN, "batch", "sequence", head.outputSize());
        g.output(ExportedModel.SENTENCE_EMBEDDING, "batch", head.outputSize());
        model.setProducerName("quaterion-java").setProducerVersion(LibraryVersion.get());
        return model.build();
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

    private static JsonObject describe(SimilarityModel<?> model, OnnxSentenceEncoder encoder, EncoderHead head,
            List<String> inputs, boolean normalized) {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("format_version", 1);
        json.addProperty("library_version", LibraryVersion.get());
        json.addProperty("model", ExportedModel.MODEL_FILE);
        json.addProperty("tokenizer", ExportedModel.TOKENIZER_FILE);
        JsonArray in = new JsonArray();
        inputs.forEach(in::add);
        json.add("inputs", in);
        JsonObject outputs = new JsonObject();
        outputs.add(ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN, shape("batch", "sequence", head.outputSize()));
        outputs.add(ExportedModel.SENTENCE_EMBEDDING, shape("batch", head.outputSize()));
        json.add("outputs", outputs);
        json.addProperty("dimension", head.outputSize());
        json.addProperty("normalized", normalized);
        json.addProperty("max_length", encoder.maxLength());
        JsonObject enc = new JsonObject();
        enc.addProperty("pooling", encoder.pooling().name().toLowerCase(Locale.ROOT));
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
