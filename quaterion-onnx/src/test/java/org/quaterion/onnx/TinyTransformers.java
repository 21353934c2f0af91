package org.quaterion.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.SafetensorsWriter;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * Writes small random BERT and XLM-RoBERTa models as Hugging Face directories (MiniLM's tokenizer); public for the
 * export tests.
 */
public final class TinyTransformers {

    private TinyTransformers() {}

    /** A 2-layer BERT: hidden 16, 4 heads, exact GELU, 64 positions, 2 token types. */
    public static TransformerConfig bert() {
        return new TransformerConfig(TransformerConfig.Architecture.BERT, 30522, 16, 2, 4, 24,
                TransformerConfig.FeedForwardActivation.GELU, 64, 2, 0, 1e-12);
    }

    /** A 3-layer XLM-RoBERTa: hidden 16, 2 heads, tanh GELU, positions after padding index 1, 1 token type. */
    public static TransformerConfig xlmRoberta() {
        return new TransformerConfig(TransformerConfig.Architecture.XLM_ROBERTA, 30522, 16, 3, 2, 32,
                TransformerConfig.FeedForwardActivation.GELU_TANH, 66, 1, 1, 1e-5);
    }

    /** Random values for every weight of the configuration, named as Hugging Face names them. */
    public static Map<String, float[]> randomWeights(TransformerConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, long[]> shapes = shapes(c);
        Map<String, float[]> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] v = new float[(int) n];
            boolean norm = name.contains("LayerNorm");
            for (int i = 0; i < v.length; i++) {
                v[i] = norm && name.endsWith(".weight") ? 1 + 0.1f * (float) r.nextGaussian()
                        : 0.2f * (float) r.nextGaussian();
            }
            out.put(name, v);
        });
        return out;
    }

    /** The Hugging Face weight names of the configuration and their shapes. */
    public static Map<String, long[]> shapes(TransformerConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        int h = c.hiddenSize();
        s.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
        s.put("embeddings.position_embeddings.weight", new long[] {c.maxPositions(), h});
        s.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
        s.put("embeddings.LayerNorm.weight", new long[] {h});
        s.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int l = 0; l < c.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            linear(s, p + "attention.self.query", h, h);
            linear(s, p + "attention.self.key", h, h);
            linear(s, p + "attention.self.value", h, h);
            linear(s, p + "attention.output.dense", h, h);
            s.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            linear(s, p + "intermediate.dense", h, c.intermediateSize());
            linear(s, p + "output.dense", c.intermediateSize(), h);
            s.put(p + "output.LayerNorm.weight", new long[] {h});
            s.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        return s;
    }

    private static void linear(Map<String, long[]> s, String name, int in, int out) {
        s.put(name + ".weight", new long[] {out, in});
        s.put(name + ".bias", new long[] {out});
    }

    /** Random LoRA factors (B non-zero, so that the adapters change the output). */
    public static Map<String, float[]> randomAdapters(TransformerConfig c, LoraConfig lora, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        Map<String, long[]> shapes = shapes(c);
        for (int l = 0; l < c.layers(); l++) {
            for (LoraConfig.Target t : LoraConfig.Target.values()) {
                if (lora.adapts(l, t)) {
                    String name = "encoder.layer." + l + "." + t.module();
                    long[] w = shapes.get(name + ".weight");
                    out.put(name + ".lora_A.weight", gaussian(r, lora.rank() * (int) w[1]));
                    out.put(name + ".lora_B.weight", gaussian(r, (int) w[0] * lora.rank()));
                }
            }
        }
        return out;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.2f * (float) r.nextGaussian();
        }
        return v;
    }

    /** Writes a Hugging Face directory: config.json, tokenizer.json (MiniLM's), model.safetensors. */
    public static Path write(Path dir, TransformerConfig c, Map<String, float[]> weights) throws IOException {
        Files.createDirectories(dir);
        JsonFiles.write(dir.resolve("config.json"), c.toHuggingFace());
        Files.copy(MiniLm.fp32().tokenizerFile(), dir.resolve("tokenizer.json"));
        Map<String, long[]> shapes = shapes(c);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            weights.forEach((name, v) -> arrays.put(name, m.create(v, new ai.djl.ndarray.types.Shape(
                    shapes.get(name)))));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), arrays);
        }
        return dir;
    }
}
