package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.TransformerConfig;
import org.quaterion.onnx.transformer.WeightTensor;

/**
 * Small random BERT and XLM-RoBERTa models written as Hugging Face directories: they load bit for bit, their servables
 * and merged exports reload bit for bit, and LoRA adapters merge exactly, train alone and reload from their own file.
 */
class TinyTransformerTest {

    private static final List<String> TEXTS = TrainableTransformerTest.TEXTS;

    @TempDir
    Path tmp;

    private static TransformerConfig config(String name) {
        return name.equals("bert") ? TinyTransformers.bert() : TinyTransformers.xlmRoberta();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void aHuggingFaceDirectoryLoadsAndRoundTripsBitForBit(String name) throws Exception {
        TransformerConfig c = config(name);
        Map<String, float[]> written = TinyTransformers.randomWeights(c, 7);
        Path dir = TinyTransformers.write(tmp.resolve(name), c, written);
        TrainableTransformer encoder = TrainableTransformer.fromHuggingFace(dir).maxLength(48).build();
        float[][] first;
        Path servable = tmp.resolve(name + "-servable");
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", encoder)
                .setHead(new EmptyHead(c.hiddenSize())).build()) {
            Map<String, NDArray> loaded = encoder.block().weights(false);
            assertEquals(written.keySet(), loaded.keySet());
            written.forEach((k, v) -> assertArrayEquals(v, loaded.get(k).toFloatArray(), k));
            loaded.values().forEach(NDArray::close);
            first = model.encode(TEXTS, TEXTS.size());
            model.save(servable);
            encoder.saveMerged(tmp.resolve(name + "-merged"));
        }
        try (SimilarityModel<String> reloaded = SimilarityModel.load(servable, String.class)) {
            float[][] again = reloaded.encode(TEXTS, 2);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertArrayEquals(first[i], again[i], "servable, text " + i);
            }
        }
        float[][] merged = TrainableTransformerTest.encode(TrainableTransformer.fromHuggingFace(
                tmp.resolve(name + "-merged")).build(), TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(first[i], merged[i], "exported directory, text " + i);
        }
    }

    @Test
    void xlmRobertaPositionsSkipThePaddingIndex() {
        TransformerConfig c = TinyTransformers.xlmRoberta();
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableTransformer encoder = TrainableTransformer.fromHuggingFace(writeQuietly(c)).build();
            encoder.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
            // padding id 1 sits between real tokens' positions: positions are 2, 3, 4 for the three real tokens,
            // so the output must equal the same tokens with the padding removed
            NDList padded = new NDList(m.create(new long[] {101, 7592, 102, 1, 1}, new ai.djl.ndarray.types.Shape(1, 5)),
                    m.create(new long[] {1, 1, 1, 0, 0}, new ai.djl.ndarray.types.Shape(1, 5)));
            NDList alone = new NDList(m.create(new long[] {101, 7592, 102}, new ai.djl.ndarray.types.Shape(1, 3)),
                    m.create(new long[] {1, 1, 1}, new ai.djl.ndarray.types.Shape(1, 3)));
            ParameterStore ps = new ParameterStore(m, false);
            float[] a = encoder.block().forward(ps, padded, false).head().toFloatArray();
            float[] b = encoder.block().forward(ps, alone, false).head().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-6, "dimension " + i);
            }
            encoder.close();
        }
    }

    private Path writeQuietly(TransformerConfig c) {
        try {
            return TinyTransformers.write(tmp.resolve("x"), c, TinyTransformers.randomWeights(c, 3));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void loraMergesExactlyTrainsAloneAndReloadsFromItsOwnFile() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path dir = TinyTransformers.write(tmp.resolve("base"), c, TinyTransformers.randomWeights(c, 11));
        LoraConfig lora = LoraConfig.of(2).withTargets(LoraConfig.Target.QUERY, LoraConfig.Target.VALUE,
                LoraConfig.Target.INTERMEDIATE).withLayers(Set.of(1)).withAlpha(3);
        TrainableTransformer adapted = TrainableTransformer.fromHuggingFace(dir).lora(lora).build();
        Path adapters = tmp.resolve("adapters");
        float[][] unmerged;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", adapted)
                .setHead(new EmptyHead(c.hiddenSize())).build()) {
            float[][] untrained = model.encode(TEXTS, TEXTS.size());
            assertArrayEquals(TrainableTransformerTest.encode(TrainableTransformer.fromHuggingFace(dir).build(),
                    TEXTS)[0], untrained[0], "B starts at zero: the adapters add nothing yet");
            Map<String, WeightTensor> factors = new LinkedHashMap<>();
            Map<String, ai.djl.ndarray.types.Shape> shapes = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : adapted.block().getParameters()) {
                shapes.put(p.getKey(), p.getValue().getArray().getShape());
            }
            TinyTransformers.randomAdapters(c, lora, 5).forEach((k, v) -> factors.put(k,
                    new WeightTensor(shapes.get(k).getShape(), v)));
            assertEquals(6, factors.size(), "3 targets in 1 layer, A and B each");
            adapted.block().loadAdapters(factors, "random factors");
            unmerged = model.encode(TEXTS, TEXTS.size());
            assertTrue(TrainableTransformerTest.maxDiff(untrained, unmerged) > 1e-3, "the adapters change the output");
            List<String> trains = model.trainableParameters().stream().map(Pair::getKey).toList();
            assertEquals(6, trains.size(), "only the adapters train: " + trains);
            assertTrue(trains.stream().allMatch(n -> n.contains(".lora_")), trains.toString());
            assertOnlyAdaptersGetGradients(adapted);
            adapted.saveAdapters(adapters);
            adapted.saveMerged(tmp.resolve("merged"));
        }
        float[][] merged = TrainableTransformerTest.encode(TrainableTransformer.fromHuggingFace(tmp.resolve("merged"))
                .build(), TEXTS);
        double diff = TrainableTransformerTest.maxDiff(unmerged, merged);
        System.out.printf("LoRA merged vs unmerged: max |diff| %.2e%n", diff);
        assertTrue(diff < 1e-6, "merged " + diff);
        assertTrue(Files.size(adapters.resolve("adapter_model.safetensors")) < 4096,
                "the adapter file holds the factors only");
        float[][] reloaded = TrainableTransformerTest.encode(TrainableTransformer.fromHuggingFace(dir)
                .adapters(adapters).build(), TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(unmerged[i], reloaded[i], "adapters reloaded onto the base, text " + i);
        }
        assertThrows(IllegalStateException.class, () -> TrainableTransformer.fromHuggingFace(dir).build()
                .saveAdapters(tmp.resolve("none")));
        assertFalse(Files.exists(tmp.resolve("none")));
    }

    @Test
    void adapterDropoutTrainsThroughTheBranchAndIsOffAtInference() throws Exception {
        TransformerConfig c = TinyTransformers.bert();
        Path dir = TinyTransformers.write(tmp.resolve("base"), c, TinyTransformers.randomWeights(c, 13));
        LoraConfig lora = LoraConfig.of(2).withDropout(0.5);
        TrainableTransformer adapted = TrainableTransformer.fromHuggingFace(dir).lora(lora).build();
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", adapted)
                .setHead(new EmptyHead(c.hiddenSize())).build()) {
            Map<String, WeightTensor> factors = new LinkedHashMap<>();
            Map<String, ai.djl.ndarray.types.Shape> shapes = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : adapted.block().getParameters()) {
                shapes.put(p.getKey(), p.getValue().getArray().getShape());
            }
            TinyTransformers.randomAdapters(c, lora, 9).forEach((k, v) -> factors.put(k,
                    new WeightTensor(shapes.get(k).getShape(), v)));
            adapted.block().loadAdapters(factors, "random factors");
            float[][] inference = model.encode(TEXTS, TEXTS.size());
            assertOnlyAdaptersGetGradients(adapted);
            adapted.saveMerged(tmp.resolve("merged"));
            float[][] merged = TrainableTransformerTest.encode(TrainableTransformer.fromHuggingFace(
                    tmp.resolve("merged")).build(), TEXTS);
            assertTrue(TrainableTransformerTest.maxDiff(inference, merged) < 1e-6,
                    "no dropout at inference: the adapted model computes what its merged export does");
        }
    }

    private static void assertOnlyAdaptersGetGradients(TrainableTransformer encoder) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList batch = encoder.collate(List.of("a dog", "a cat sat"), m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(encoder.forward(batch, true).sum());
            }
            int withGradient = 0;
            for (Pair<String, Parameter> p : encoder.block().getParameters()) {
                NDArray w = p.getValue().getArray();
                boolean adapter = p.getKey().contains(".lora_");
                assertEquals(adapter, w.hasGradient(), p.getKey());
                if (adapter && w.getGradient().abs().sum().getFloat() > 0) {
                    withGradient++;
                }
            }
            assertTrue(withGradient >= 3, "adapters received gradients: " + withGradient);
        }
    }
}
