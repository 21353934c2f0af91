package org.quaterion.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
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
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;

/**
 * all-MiniLM-L6-v2 with a random head of every exportable type, exported and run on plain ONNX Runtime: each text
 * alone and the texts as one padded batch give {@code SimilarityModel.encode}'s vectors to 1e-5.
 */
class OnnxExportTest {

    static final List<String> TEXTS = List.of("A man is playing a guitar.", "Stocks fell sharply on Monday.",
            "The quick brown fox jumps over the lazy dog, and then it runs back into the forest to hide.", "hi");
    private static final double TOLERANCE = 1e-5;
    private static final int DIM = MiniLm.DIM;
    private static final List<String> ACTIVATIONS = List.of("relu", "relu6", "tanh", "sigmoid", "gelu", "elu", "selu",
            "leaky_relu", "softplus", "softsign", "silu", "mish", "identity");
    private static double worst;

    @TempDir
    Path tmp;

    @AfterAll
    static void report() {
        System.out.println("OnnxExportTest: largest |ONNX Runtime - SimilarityModel.encode| = " + worst);
    }

    /** One model per head type (and every activation in a sequential head), each with random parameters. */
    private static Map<String, Function<Integer, EncoderHead>> heads() {
        Map<String, Function<Integer, EncoderHead>> heads = new LinkedHashMap<>();
        heads.put("empty", EmptyHead::new);
        heads.put("linear", in -> LinearHead.builder().setInputSize(in).setOutputSize(64).optBias(false).build());
        heads.put("gated", GatedHead::new);
        heads.put("skip_connection", in -> SkipConnectionHead.builder().setInputSize(in).optNLayers(2).build());
        heads.put("stacked_projection", in -> StackedProjectionHead.builder().setInputSize(in)
                .setOutputSizes(List.of(96, 48)).optActivationFn("gelu").build());
        heads.put("widening", in -> WideningHead.builder().setInputSize(in).optExpansionFactor(0.5)
                .optActivationFn("relu6").build());
        heads.put("softmax_embeddings", in -> SoftmaxEmbeddingsHead.builder().setInputSize(in).setOutputGroups(8)
                .setOutputSizePerGroup(16).build());
        heads.put("sequential+normalize", in -> SequentialHead.of(LinearHead.builder().setInputSize(in)
                .setOutputSize(128).build(), new NormalizeHead(128)));
        heads.put("every activation", in -> {
            List<EncoderHead> parts = new ArrayList<>();
            int width = in;
            for (String activation : ACTIVATIONS) {
                parts.add(StackedProjectionHead.builder().setInputSize(width).setOutputSizes(List.of(32, 24))
                        .optActivationFn(activation).build());
                width = 24;
            }
            return new SequentialHead(parts);
        });
        return heads;
    }

    @Test
    void everyHeadTypeExportsAndRunsOnOnnxRuntimeAsTheModelEncodes() throws Exception {
        Random random = new Random(7);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Function<Integer, EncoderHead>> e : heads().entrySet()) {
            try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                    .setHead(e.getValue().apply(DIM)).build()) {
                randomiseGates(model.head(), random);
                check(e.getKey(), model, failures);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void clsPoolingWithoutNormalisationAndANormalizeHeadExport() throws Exception {
        OnnxSentenceEncoder mini = MiniLm.fp32();
        OnnxSentenceEncoder cls = new OnnxSentenceEncoder(mini.modelFile(), mini.tokenizerFile(), DIM,
                OnnxSentenceEncoder.Pooling.CLS, false, 128);
        List<String> failures = new ArrayList<>();
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", cls)
                .setHead(SequentialHead.of(new GatedHead(DIM), new NormalizeHead(DIM))).build()) {
            randomiseGates(model.head(), new Random(3));
            ExportedModel exported = check("cls+gated+normalize", model, failures);
            assertTrue(exported.normalized(), "a head ending in normalize gives unit vectors");
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theExportDescribesItselfAndASavedServableExportsTheSame() throws Exception {
        Path servable = tmp.resolve("servable");
        float[][] expected;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(new SkipConnectionHead(DIM)).build()) {
            randomiseGates(model.head(), new Random(5));
            expected = model.encode(TEXTS, 4);
            model.save(servable);
        }
        Path dir = tmp.resolve("export");
        ExportedModel exported = OnnxExport.export(servable, dir);

        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), exported.inputs());
        assertEquals(DIM, exported.dimension());
        assertFalse(exported.normalized());
        JsonObject json = JsonFiles.read(dir.resolve(ExportedModel.DESCRIPTION_FILE));
        assertEquals(OnnxExport.FORMAT, json.get("format").getAsString());
        assertEquals("skip_connection", json.getAsJsonObject("head").get("type").getAsString());
        assertEquals("mean", json.getAsJsonObject("encoder").get("pooling").getAsString());
        assertEquals(128, json.get("max_length").getAsInt());
        try (OrtRunner ort = new OrtRunner(dir, 128)) {
            assertEquals(List.of(ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN, ExportedModel.SENTENCE_EMBEDDING),
                    ort.outputNames(), "the token-level output comes first, for runtimes that take output 0");
            assertClose("saved skip_connection", expected, ort.eachAlone(TEXTS));
        }
    }

    @Test
    void aSwitchHeadAndTwoEncodersAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path dir = tmp.resolve("never");
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(new SwitchHead(Map.of("a", new EmptyHead(DIM), "b", new GatedHead(DIM)))).build()) {
            OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(model, dir));
            assertTrue(e.getMessage().startsWith("the switch head routes each record"), e.getMessage());
        }
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("a", MiniLm.fp32())
                .addEncoder("b", MiniLm.fp32()).setHead(new EmptyHead(2 * DIM)).build()) {
            OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(model, dir));
            assertTrue(e.getMessage().startsWith("the model has 2 encoders [a, b]; an exported graph holds one"),
                    e.getMessage());
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void aDirectoryThatIsNotAnExportIsNeverOverwritten() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(new EmptyHead(DIM)).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.export(model, dir));
            assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
        }
        assertEquals(List.of(dir.resolve("notes.txt")), Files.list(dir).toList());
        assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
    }

    /** Exports, runs each text alone and the texts as a padded batch on ONNX Runtime, records differences. */
    private ExportedModel check(String name, SimilarityModel<String> model, List<String> failures)
            throws Exception {
        float[][] expected = model.encode(TEXTS, TEXTS.size());
        Path dir = tmp.resolve(name.replaceAll("[^a-z_]", "-"));
        ExportedModel exported = OnnxExport.export(model, dir);
        assertEquals(model.embeddingSize(), exported.dimension(), name);
        try (OrtRunner ort = new OrtRunner(dir, 128)) {
            double alone = maxDiff(expected, ort.eachAlone(TEXTS));
            double batch = maxDiff(expected, ort.batch(TEXTS));
            System.out.println("OnnxExportTest " + name + ": max |diff| alone " + alone + ", padded batch " + batch);
            if (!(alone <= TOLERANCE && batch <= TOLERANCE)) {
                failures.add(name + ": alone " + alone + ", batch " + batch);
            }
        }
        Files.delete(dir.resolve(ExportedModel.MODEL_FILE)); // 90 MB each: keep the temp directory small
        return exported;
    }

    static void assertClose(String what, float[][] expected, float[][] actual) {
        double d = maxDiff(expected, actual);
        assertTrue(d <= TOLERANCE, what + ": max |diff| " + d);
    }

    static double maxDiff(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        double most = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, "row " + i);
            for (int j = 0; j < expected[i].length; j++) {
                most = Math.max(most, Math.abs(expected[i][j] - actual[i][j]));
            }
        }
        synchronized (OnnxExportTest.class) {
            worst = Math.max(worst, most);
        }
        return most;
    }

    /** Gates start as constants (2, -4): random values make the test see whether each gate lands where it should. */
    static void randomiseGates(EncoderHead head, Random random) {
        for (Map.Entry<String, Parameter> p : head.namedParameters().entrySet()) {
            if (p.getKey().contains("gates")) {
                float[] values = new float[(int) p.getValue().getArray().size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 1.5);
                }
                p.getValue().getArray().set(values);
            }
        }
    }
}
