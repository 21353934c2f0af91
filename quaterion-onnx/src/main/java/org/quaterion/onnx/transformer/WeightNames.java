package org.quaterion.onnx.transformer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.quaterion.models.io.ModelFormatException;

/**
 * Brings the names of a checkpoint's weights to those of a Hugging Face {@code BertModel} / {@code XLMRobertaModel}
 * state dict without the model prefix: {@code bert.encoder.layer.0...}, {@code roberta.…}, {@code model.…} and
 * sentence-transformers' {@code 0.auto_model.…} lose their prefix, and the {@code LayerNorm.gamma}/{@code .beta} of
 * checkpoints converted from TensorFlow become {@code LayerNorm.weight}/{@code .bias}.
 */
final class WeightNames {

    /** The prefixes a model wrapper puts before the encoder's names, stripped one after the other. */
    private static final Pattern PREFIX = Pattern.compile("^(?:\\d+\\.auto_model\\.|auto_model\\.|bert\\.|roberta\\."
            + "|xlm_roberta\\.|model\\.)");
    /** The integer buffers a BERT-family model registers beside its weights: not weights, left out. */
    private static final Set<String> BUFFERS = Set.of("embeddings.position_ids", "embeddings.token_type_ids");

    private WeightNames() {}

    /**
     * The name without model prefixes and with {@code LayerNorm.weight}/{@code .bias} for {@code gamma}/{@code beta}.
     *
     * @param name the name in the checkpoint
     * @return the Hugging Face name
     */
    static String normalise(String name) {
        String n = name;
        for (String stripped = PREFIX.matcher(n).replaceFirst(""); !stripped.equals(n); stripped = PREFIX
                .matcher(n).replaceFirst("")) {
            n = stripped;
        }
        if (n.endsWith("LayerNorm.gamma")) {
            n = n.substring(0, n.length() - "gamma".length()) + "weight";
        } else if (n.endsWith("LayerNorm.beta")) {
            n = n.substring(0, n.length() - "beta".length()) + "bias";
        }
        return n;
    }

    /**
     * Whether a tensor of the checkpoint is one of the integer buffers a model keeps beside its weights
     * ({@code embeddings.position_ids}), which readers leave out rather than refuse.
     *
     * @param name the name in the checkpoint
     * @return true for a known buffer
     */
    static boolean isBuffer(String name) {
        return BUFFERS.contains(normalise(name));
    }

    /**
     * Renames every weight with {@link #normalise}, keeping the order.
     *
     * @param weights the weights as the checkpoint names them
     * @param file the checkpoint, for messages
     * @return the weights under their Hugging Face names
     * @throws ModelFormatException when two names become the same (a checkpoint holding both {@code bert.x} and
     *     {@code x})
     */
    static Map<String, WeightTensor> normalise(Map<String, WeightTensor> weights, Path file) {
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        Map<String, String> original = new LinkedHashMap<>();
        weights.forEach((name, tensor) -> {
            String n = normalise(name);
            String before = original.putIfAbsent(n, name);
            if (before != null) {
                throw new ModelFormatException(file, "holds both '" + before + "' and '" + name + "', which name the "
                        + "same weight '" + n + "': a checkpoint of one encoder holds each weight once");
            }
            out.put(n, tensor);
        });
        return out;
    }
}
