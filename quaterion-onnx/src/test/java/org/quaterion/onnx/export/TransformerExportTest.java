package org.quaterion.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.StackedProjectionHead;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.TinyTransformers;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.proto.Onnx.ModelProto;
import org.quaterion.onnx.proto.OnnxFiles;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.onnx.transformer.TransformerBlock;
import org.quaterion.onnx.transformer.TransformerConfig;
import org.quaterion.onnx.transformer.WeightTensor;

/**
 * Fine-tuned transformers (random weights and random LoRA adapters, as training leaves them) exported as one ONNX graph
 * built from their layers: on plain ONNX Runtime, each text alone and the texts as one padded batch give
 * {@code SimilarityModel.encode}'s vectors to 1e-5, for BERT and XLM-RoBERTa, every pooling, with and without LoRA,
 * under heads.
 */
class TransformerExportTest {

    /** Texts of different lengths, so that the batch is padded. */
    private static final List<String> TEXTS = List.of("dog", "a domesticated carnivorous mammal",
            "the act of taking something from a person by force and without consent, as the law defines robbery",
            "Собака — домашнее животное", "狗是一种家养的动物");

    @TempDir
    Path tmp;

    @Test
    void aSavedBertServableExportsAndMatches() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path hf = TinyTransformers.write(tmp.resolve("bert"), c, TinyTransformers.randomWeights(c, 21));
        Path servable = tmp.resolve("servable");
        float[][] expected;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text",
                TrainableTransformer.fromHuggingFace(hf).normalize(true).maxLength(24).build())
                .setHead(new EmptyHead(c.hiddenSize())).build()) {
            expected = model.encode(TEXTS, TEXTS.size());
            model.save(servable);
        }
        Path dir = tmp.resolve("export");
        ExportedModel exported = OnnxExport.export(servable, dir);
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), exported.inputs());
        assertTrue(exported.normalized());
        JsonObject json = JsonFiles.read(dir.resolve(ExportedModel.DESCRIPTION_FILE));
        assertEquals(TrainableTransformer.TYPE, json.getAsJsonObject("encoder").get("type").getAsString());
        assertEquals(24, json.get("max_length").getAsInt());
        ModelProto model = OnnxFiles.read(dir.resolve(ExportedModel.MODEL_FILE));
        assertEquals(TransformerGraph.OPSET, model.getOpsetImport(0).getVersion());
        assertMatches("tiny BERT, mean, saved servable", expected, dir, 24);
    }

    @Test
    void bertWithLoraClsPoolingAndALinearHead() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path hf = TinyTransformers.write(tmp.resolve("bert"), c, TinyTransformers.randomWeights(c, 22));
        LoraConfig lora = LoraConfig.of(2).withAlpha(4);
        exportAndCheck("tiny BERT + LoRA, CLS, linear+normalize head", TrainableTransformer.fromHuggingFace(hf)
                .pooling(Pooling.CLS).lora(lora).maxLength(64).build(), SequentialHead.of(LinearHead.builder()
                        .setInputSize(c.hiddenSize()).setOutputSize(8).build(), new NormalizeHead(8)));
    }

    @Test
    void xlmRobertaWithLoraLastTokenPoolingAndAStackedHead() throws Exception {
        TransformerConfig c = TinyTransformers.xlmRoberta();
        Path hf = TinyTransformers.write(tmp.resolve("xlmr"), c, TinyTransformers.randomWeights(c, 23));
        LoraConfig lora = LoraConfig.of(3).withTargets(LoraConfig.Target.KEY, LoraConfig.Target.OUTPUT)
                .withLayers(Set.of(0, 2));
        ExportedModel exported = exportAndCheck("tiny XLM-RoBERTa + LoRA, last token, stacked head",
                TrainableTransformer.fromHuggingFace(hf).pooling(Pooling.LAST).normalize(true).lora(lora)
                        .maxLength(32).build(), StackedProjectionHead.builder().setInputSize(c.hiddenSize())
                        .setOutputSizes(List.of(24, 12)).optActivationFn("gelu").build());
        assertEquals(List.of("input_ids", "attention_mask"), exported.inputs(), "one token type: no token_type_ids");
    }

    @Test
    void miniLmWithLoraAndASkipConnectionHead() throws Exception {
        // rank-4 adapters on all six linear maps of each of the 6 layers
        LoraConfig lora = LoraConfig.of(4).withTargets(LoraConfig.Target.QUERY, LoraConfig.Target.values());
        ExportedModel exported = exportAndCheck("all-MiniLM-L6-v2 + LoRA, skip-connection head", MiniLm.trainable()
                .maxLength(128).lora(lora).build(), new SkipConnectionHead(MiniLm.DIM));
        System.out.printf("TransformerExportTest: MiniLM + LoRA as ONNX: opset %d, %,d bytes%n",
                TransformerGraph.OPSET, Files.size(exported.directory().resolve(ExportedModel.MODEL_FILE)));
    }

    @Test
    void langChain4jLoadsAFineTunedXlmRobertaExport() throws Exception {
        TransformerConfig c = TinyTransformers.xlmRoberta();
        Path hf = TinyTransformers.write(tmp.resolve("xlmr"), c, TinyTransformers.randomWeights(c, 25));
        TrainableTransformer encoder = TrainableTransformer.fromHuggingFace(hf).normalize(true).lora(LoraConfig.of(2))
                .maxLength(32).build();
        Path dir = tmp.resolve("export");
        float[][] expected;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", encoder)
                .setHead(new EmptyHead(c.hiddenSize())).build()) {
            setRandomAdapters(encoder, 33, 1f);
            expected = model.encode(TEXTS, TEXTS.size());
            OnnxExport.export(model, dir);
        }
        OnnxEmbeddingModel lc4j = new OnnxEmbeddingModel(dir.resolve(ExportedModel.MODEL_FILE),
                dir.resolve(ExportedModel.TOKENIZER_FILE), PoolingMode.MEAN);
        float[][] actual = lc4j.embedAll(TEXTS.stream().map(TextSegment::from).toList()).content().stream()
                .map(Embedding::vector).toArray(float[][]::new);
        double d = OnnxExportTest.maxDiff(expected, actual);
        System.out.printf("TransformerExportTest LangChain4j OnnxEmbeddingModel, tiny XLM-RoBERTa + LoRA: max |diff| "
                + "%.2e%n", d);
        assertTrue(d < 1e-5, "LangChain4j's vectors against the model's (unit length already): " + d);
    }

    @Test
    void aTransformerTooLargeForOneOnnxFileOrWithoutWeightsIsRefused() throws Exception {
        Path tokenizer = MiniLm.fp32().tokenizerFile();
        // xlm-roberta-large's shape: 560M weights, 2.2 GB in float32 (the weights are never read)
        TransformerConfig large = new TransformerConfig(TransformerConfig.Architecture.XLM_ROBERTA, 250002, 1024, 24,
                16, 4096, TransformerConfig.FeedForwardActivation.GELU, 514, 1, 1, 1e-5);
        OnnxExportException tooLarge = assertThrows(OnnxExportException.class, () -> TransformerGraph.check(
                TrainableTransformer.fromOnnx(tmp.resolve("absent.onnx"), tokenizer, large).build()));
        assertTrue(tooLarge.getMessage().contains("2 GiB") && tooLarge.getMessage().contains("saveMerged"),
                tooLarge.getMessage());
        TransformerConfig c = TinyTransformers.bert();
        Path hf = TinyTransformers.write(tmp.resolve("bert"), c, TinyTransformers.randomWeights(c, 24));
        IllegalStateException uninitialised = assertThrows(IllegalStateException.class, () -> TransformerGraph.check(
                TrainableTransformer.fromHuggingFace(hf).build()));
        assertTrue(uninitialised.getMessage().contains("initialise"), uninitialised.getMessage());
    }

    /** Sets random adapters, encodes, exports, and checks the export on ONNX Runtime. */
    private ExportedModel exportAndCheck(String name, TrainableTransformer encoder, EncoderHead head)
            throws Exception {
        Path dir = tmp.resolve("export");
        float[][] expected;
        ExportedModel exported;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", encoder)
                .setHead(head).build()) {
            float[][] untrained = model.encode(TEXTS, TEXTS.size());
            // MiniLM's trained softmaxes saturate under large updates; the tiny random models take full-size ones
            setRandomAdapters(encoder, 31, encoder.config().hiddenSize() > 100 ? 0.25f : 1f);
            expected = model.encode(TEXTS, TEXTS.size());
            double changed = OnnxExportTest.maxDiff(untrained, expected);
            System.out.printf("TransformerExportTest %s: the adapters move the embeddings by up to %.2e%n", name,
                    changed);
            assertTrue(changed > 1e-4, "the adapters change the embeddings by " + changed + ", far beyond the "
                    + "tolerance, so the export must merge them to match");
            exported = OnnxExport.export(model, dir);
        }
        assertFalse(exported.inputs().isEmpty());
        assertMatches(name, expected, dir, encoder.maxLength());
        return exported;
    }

    private static void assertMatches(String name, float[][] expected, Path dir, int maxLength) throws Exception {
        try (OrtRunner ort = new OrtRunner(dir, maxLength)) {
            double alone = OnnxExportTest.maxDiff(expected, ort.eachAlone(TEXTS));
            double batch = OnnxExportTest.maxDiff(expected, ort.batch(TEXTS));
            System.out.printf("TransformerExportTest %s: max |diff| alone %.2e, padded batch %.2e%n", name, alone,
                    batch);
            assertTrue(alone < 1e-5 && batch < 1e-5, name + ": alone " + alone + ", batch " + batch);
        }
    }

    /** Gives every adapter random factors (B non-zero, as training leaves it), N(0, 0.2) times {@code scale}. */
    private static void setRandomAdapters(TrainableTransformer encoder, long seed, float scale) {
        TransformerBlock block = encoder.block();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape());
        }
        Map<String, WeightTensor> factors = new LinkedHashMap<>();
        TinyTransformers.randomAdapters(block.config(), block.lora(), seed).forEach((name, values) -> {
            float[] scaled = values.clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= scale;
            }
            factors.put(name, new WeightTensor(shapes.get(name), scaled));
        });
        block.loadAdapters(factors, "random factors");
    }
}
