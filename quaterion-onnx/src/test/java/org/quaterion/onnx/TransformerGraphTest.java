package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
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
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.OnnxFiles;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.onnx.transformer.TransformerBlock;
import org.quaterion.onnx.transformer.TransformerConfig;
import org.quaterion.onnx.transformer.TransformerGraph;
import org.quaterion.onnx.transformer.WeightTensor;

/**
 * A fine-tuned transformer written as one ONNX graph computes on ONNX Runtime, in padded batches, what
 * {@code SimilarityModel.encode} computes text by text: BERT and XLM-RoBERTa, every pooling, with and without LoRA.
 */
class TransformerGraphTest {

    /** Texts of different lengths (one of them empty), so the ONNX Runtime batch is padded. */
    static final List<String> TEXTS = List.of("dog", "a domesticated carnivorous mammal",
            "the act of taking something from a person by force and without consent, as the law defines robbery",
            "Собака — домашнее животное", "狗是一种家养的动物", "");

    @TempDir
    Path tmp;

    @Test
    void bertWithMeanPoolingMatchesEncode() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path dir = TinyTransformers.write(tmp.resolve("bert"), c, TinyTransformers.randomWeights(c, 21));
        assertMatches("tiny BERT, mean", TrainableTransformer.fromHuggingFace(dir).normalize(true).maxLength(24).build(), null);
    }

    @Test
    void bertWithLoraAndClsPoolingMatchesEncode() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path dir = TinyTransformers.write(tmp.resolve("bert"), c, TinyTransformers.randomWeights(c, 22));
        LoraConfig lora = LoraConfig.of(2).withAlpha(4);
        assertMatches("tiny BERT + LoRA, CLS", TrainableTransformer.fromHuggingFace(dir).pooling(Pooling.CLS).lora(lora).maxLength(64)
                .build(), lora);
    }

    @Test
    void xlmRobertaWithLoraAndLastTokenPoolingMatchesEncode() throws Exception {
        TransformerConfig c = TinyTransformers.xlmRoberta();
        Path dir = TinyTransformers.write(tmp.resolve("xlmr"), c, TinyTransformers.randomWeights(c, 23));
        LoraConfig lora = LoraConfig.of(3).withTargets(LoraConfig.Target.KEY, LoraConfig.Target.OUTPUT)
                .withLayers(Set.of(0, 2));
        assertMatches("tiny XLM-RoBERTa + LoRA, last token", TrainableTransformer.fromHuggingFace(dir).pooling(Pooling.LAST).normalize(true).lora(lora)
                .maxLength(32).build(), lora);
    }

    @Test
    void miniLmWithLoraMatchesEncode() throws Exception {
        LoraConfig lora = LoraConfig.of(4);
        TrainableTransformer encoder = MiniLm.trainable().maxLength(128).lora(lora).build();
        Path file = assertMatches("all-MiniLM-L6-v2 + LoRA", encoder, lora);
        System.out.printf("MiniLM + LoRA as ONNX: opset %d, %,d bytes%n", TransformerGraph.OPSET,
                Files.size(file));
    }

    @Test
    void aModelTooLargeForOneOnnxFileIsRefusedBeforeItsWeightsAreRead() {
        // xlm-roberta-large's shape: 560M weights, 2.2 GB in float32
        TransformerConfig large = new TransformerConfig(TransformerConfig.Architecture.XLM_ROBERTA, 250002, 1024, 24,
                16, 4096, TransformerConfig.FeedForwardActivation.GELU, 514, 1, 1, 1e-5);
        TransformerBlock block = new TransformerBlock(large, Pooling.MEAN, true, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerGraph.model(
                block));
        assertTrue(e.getMessage().contains("2 GiB") && e.getMessage().contains("saveMerged"), e.getMessage());
    }

    @Test
    void anUninitialisedTransformerAndASecondTextEncoderInOneGraphAreRefused() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path dir = TinyTransformers.write(tmp.resolve("bert"), c, TinyTransformers.randomWeights(c, 24));
        TrainableTransformer encoder = TrainableTransformer.fromHuggingFace(dir).build();
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> TransformerGraph.model(
                encoder.block()));
        assertTrue(early.getMessage().contains("initialise"), early.getMessage());
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", encoder)
                .setHead(new EmptyHead(c.hiddenSize())).build()) {
            GraphProto.Builder graph = GraphProto.newBuilder();
            TransformerGraph.append(graph, encoder.block());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> TransformerGraph
                    .append(graph, encoder.block()));
            assertTrue(twice.getMessage().contains("'input_ids'") && twice.getMessage().contains("one text encoder"),
                    twice.getMessage());
        }
    }

    /**
     * Sets random adapters (B non-zero, so they change the output), encodes the texts with the model, exports the
     * block, runs the export on ONNX Runtime in one padded batch and asserts max |diff| < 1e-5.
     *
     * @return the exported file
     */
    private Path assertMatches(String name, TrainableTransformer encoder, LoraConfig lora) throws Exception {
        int size = encoder.embeddingSize();
        Path file = tmp.resolve("model.onnx");
        float[][] expected;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", encoder)
                .setHead(new EmptyHead(size)).build()) {
            expected = model.encode(TEXTS, TEXTS.size());
            if (lora != null) {
                setRandomAdapters(encoder, 31);
                float[][] untrained = expected;
                expected = model.encode(TEXTS, TEXTS.size());
                assertTrue(TrainableTransformerTest.maxDiff(untrained, expected) > 1e-3,
                        "the adapters change the embeddings, so the export must merge them to match");
            }
            OnnxFiles.write(TransformerGraph.model(encoder.block()), file);
        }
        float[][] actual = run(file, encoder.tokenizerFile(), encoder.maxLength(), TEXTS,
                TransformerGraph.SENTENCE_EMBEDDING);
        assertEquals(TEXTS.size(), actual.length);
        double worst = TrainableTransformerTest.maxDiff(expected, actual);
        System.out.printf("%s as ONNX on ONNX Runtime vs encode: max |diff| %.2e over %d texts%n", name, worst,
                TEXTS.size());
        assertTrue(worst < 1e-5, "max |diff| " + worst);
        return file;
    }

    /** Gives every adapter random factors, as a few training steps would. */
    static void setRandomAdapters(TrainableTransformer encoder, long seed) {
        TransformerBlock block = encoder.block();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape());
        }
        Map<String, WeightTensor> factors = new LinkedHashMap<>();
        TinyTransformers.randomAdapters(block.config(), block.lora(), seed).forEach((name, values) -> {
            float[] scaled = values.clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= 0.25f; // a moderate update: large enough to move every embedding, small enough to keep
                                    // MiniLM's softmaxes away from saturation
            }
            factors.put(name, new WeightTensor(shapes.get(name), scaled));
        });
        block.loadAdapters(factors, "random factors");
    }

    /** Tokenises the texts as one padded batch and runs the model on ONNX Runtime, returning one output. */
    static float[][] run(Path model, Path tokenizerFile, int maxLength, List<String> texts, String output)
            throws IOException, OrtException {
        Encoding[] encodings;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile)
                .optPadding(true).optTruncation(true).optMaxLength(maxLength).build()) {
            encodings = tokenizer.batchEncode(texts);
        }
        long[][] ids = new long[encodings.length][];
        long[][] mask = new long[encodings.length][];
        long[][] types = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = encodings[i].getIds();
            mask[i] = encodings[i].getAttentionMask();
            types[i] = encodings[i].getTypeIds();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                OnnxTensor typesTensor = OnnxTensor.createTensor(env, types)) {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put(TransformerGraph.INPUT_IDS, idsTensor);
            inputs.put(TransformerGraph.ATTENTION_MASK, maskTensor);
            if (session.getInputNames().contains(TransformerGraph.TOKEN_TYPE_IDS)) {
                inputs.put(TransformerGraph.TOKEN_TYPE_IDS, typesTensor);
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
                return (float[][]) result.get(0).getValue();
            }
        }
    }
}
