package org.quaterion.onnx.transformer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The weight names and shapes of a BERT encoder, and random weights for them, for tests. */
final class TinyBert {

    private TinyBert() {}

    /**
     * The Hugging Face {@code BertModel} weight names (without prefix and pooler) and their shapes.
     *
     * @param vocab the vocabulary size
     * @param hidden the hidden size
     * @param layers the number of layers
     * @param intermediate the feed-forward size
     * @param positions the maximum positions
     * @param types the token types
     * @return name to shape, embeddings first, then layer by layer
     */
    static Map<String, long[]> shapes(int vocab, int hidden, int layers, int intermediate, int positions, int types) {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("embeddings.word_embeddings.weight", new long[] {vocab, hidden});
        s.put("embeddings.position_embeddings.weight", new long[] {positions, hidden});
        s.put("embeddings.token_type_embeddings.weight", new long[] {types, hidden});
        s.put("embeddings.LayerNorm.weight", new long[] {hidden});
        s.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            for (String linear : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                s.put(p + linear + ".weight", new long[] {hidden, hidden});
                s.put(p + linear + ".bias", new long[] {hidden});
            }
            s.put(p + "attention.output.LayerNorm.weight", new long[] {hidden});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {hidden});
            s.put(p + "intermediate.dense.weight", new long[] {intermediate, hidden});
            s.put(p + "intermediate.dense.bias", new long[] {intermediate});
            s.put(p + "output.dense.weight", new long[] {hidden, intermediate});
            s.put(p + "output.dense.bias", new long[] {hidden});
            s.put(p + "output.LayerNorm.weight", new long[] {hidden});
            s.put(p + "output.LayerNorm.bias", new long[] {hidden});
        }
        return s;
    }

    /** Gaussian weights (standard deviation 0.5) for the shapes, from a seed. */
    static Map<String, WeightTensor> random(Map<String, long[]> shapes, long seed) {
        Random random = new Random(seed);
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            float[] values = new float[(int) Elements.of(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.5);
            }
            out.put(name, new WeightTensor(shape, values));
        });
        return out;
    }
}
