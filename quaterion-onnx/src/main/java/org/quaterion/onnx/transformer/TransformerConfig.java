package org.quaterion.onnx.transformer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.quaterion.models.io.JsonFiles;

/**
 * The shape of a BERT-family encoder, as a Hugging Face {@code config.json} states it: BERT (bert-base, MiniLM, bge,
 * e5, gte) or XLM-RoBERTa / RoBERTa (multilingual-e5), whose position ids start after the padding index and which
 * have one token type.
 *
 * @param architecture BERT or XLM-RoBERTa position semantics
 * @param vocabSize tokens in the vocabulary
 * @param hiddenSize the hidden (and output) size
 * @param layers transformer layers
 * @param heads attention heads; divides {@code hiddenSize}
 * @param intermediateSize the feed-forward size
 * @param activation the feed-forward activation
 * @param maxPositions position embeddings (rows of the table)
 * @param typeVocabSize token types (rows of the type table)
 * @param padTokenId the padding token, from which XLM-RoBERTa's positions are offset
 * @param layerNormEps LayerNorm's epsilon
 */
public record TransformerConfig(Architecture architecture, int vocabSize, int hiddenSize, int layers, int heads,
        int intermediateSize, FeedForwardActivation activation, int maxPositions, int typeVocabSize, int padTokenId,
        double layerNormEps) {

    /** How position ids are made: the two BERT-family conventions. */
    public enum Architecture {
        /** Positions {@code 0 … L-1} (Hugging Face {@code model_type} "bert"). */
        BERT("bert"),
        /**
         * Positions {@code padding_idx + 1 …} over the non-padding tokens, {@code padding_idx} on padding
         * ({@code model_type} "xlm-roberta" and "roberta").
         */
        XLM_ROBERTA("xlm-roberta");

        private final String modelType;

        Architecture(String modelType) {
            this.modelType = modelType;
        }

        /**
         * The Hugging Face {@code model_type} written for it.
         *
         * @return e.g. "bert"
         */
        public String modelType() {
            return modelType;
        }
    }

    /** The feed-forward activation ({@code hidden_act}). */
    public enum FeedForwardActivation {
        /** Exact GELU with erf ("gelu"). */
        GELU("gelu"),
        /** GELU's tanh approximation ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"). */
        GELU_TANH("gelu_new"),
        /** ReLU ("relu"). */
        RELU("relu");

        private final String configName;

        FeedForwardActivation(String configName) {
            this.configName = configName;
        }

        /**
         * The {@code hidden_act} value written for it.
         *
         * @return e.g. "gelu"
         */
        public String configName() {
            return configName;
        }
    }

    /**
     * Checks the shape.
     *
     * @param architecture BERT or XLM-RoBERTa
     * @param vocabSize tokens
     * @param hiddenSize hidden size
     * @param layers layers
     * @param heads heads
     * @param intermediateSize feed-forward size
     * @param activation activation
     * @param maxPositions position embeddings
     * @param typeVocabSize token types
     * @param padTokenId padding token
     * @param layerNormEps LayerNorm epsilon
     */
    public TransformerConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(activation, "activation");
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of "
                    + "num_attention_heads " + heads);
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " is outside the vocabulary of "
                    + vocabSize);
        }
        if (!(layerNormEps > 0) || !Double.isFinite(layerNormEps)) {
            throw new IllegalArgumentException("layer_norm_eps must be positive and finite, got " + layerNormEps);
        }
        if (architecture == Architecture.XLM_ROBERTA && maxPositions <= padTokenId + 1) {
            throw new IllegalArgumentException("max_position_embeddings " + maxPositions + " leaves no position "
                    + "after the padding index " + padTokenId);
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
    }

    /**
     * all-MiniLM-L6-v2: BERT, 30,522 tokens, 384 hidden, 6 layers, 12 heads, 1,536 feed-forward, 512 positions.
     *
     * @return its configuration
     */
    public static TransformerConfig allMiniLmL6() {
        return new TransformerConfig(Architecture.BERT, 30522, 384, 6, 12, 1536, FeedForwardActivation.GELU, 512, 2,
                0, 1e-12);
    }

    /**
     * The tokens a text may have: all positions for BERT, those after the padding index for XLM-RoBERTa.
     *
     * @return the longest input
     */
    public int maxTokens() {
        return architecture == Architecture.BERT ? maxPositions : maxPositions - padTokenId - 1;
    }

    /**
     * Reads a Hugging Face {@code config.json}; architectures other than BERT / XLM-RoBERTa / RoBERTa, relative
     * position embeddings and unknown activations are refused with what was found.
     *
     * @param file the {@code config.json}
     * @return the configuration
     * @throws IllegalArgumentException when the model is not one this encoder runs
     */
    public static TransformerConfig fromHuggingFace(Path file) {
        JsonObject c = JsonFiles.read(file);
        String where = file.toString();
        String type = c.has("model_type") ? c.get("model_type").getAsString() : "(none)";
        Architecture architecture = switch (type) {
            case "bert" -> Architecture.BERT;
            case "xlm-roberta", "roberta" -> Architecture.XLM_ROBERTA;
            default -> throw new IllegalArgumentException(where + " has model_type '" + type + "': only BERT-family "
                    + "encoders run here (model_type bert, roberta or xlm-roberta; e.g. MiniLM, bge, e5, gte, "
                    + "multilingual-e5)");
        };
        String positions = c.has("position_embedding_type") && !c.get("position_embedding_type").isJsonNull()
                ? c.get("position_embedding_type").getAsString() : "absolute";
        if (!positions.equals("absolute")) {
            throw new IllegalArgumentException(where + " has position_embedding_type '" + positions + "': only "
                    + "absolute position embeddings are supported");
        }
        String act = c.has("hidden_act") ? c.get("hidden_act").getAsString() : "gelu";
        FeedForwardActivation activation = switch (act.toLowerCase(Locale.ROOT)) {
            case "gelu" -> FeedForwardActivation.GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> FeedForwardActivation.GELU_TANH;
            case "relu" -> FeedForwardActivation.RELU;
            default -> throw new IllegalArgumentException(where + " has hidden_act '" + act + "': supported are "
                    + "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast and relu");
        };
        int pad = optInt(c, "pad_token_id", architecture == Architecture.BERT ? 0 : 1);
        return new TransformerConfig(architecture, JsonFiles.requireInt(c, "vocab_size", where),
                JsonFiles.requireInt(c, "hidden_size", where), JsonFiles.requireInt(c, "num_hidden_layers", where),
                JsonFiles.requireInt(c, "num_attention_heads", where),
                JsonFiles.requireInt(c, "intermediate_size", where), activation,
                JsonFiles.requireInt(c, "max_position_embeddings", where), optInt(c, "type_vocab_size", 2), pad,
                JsonFiles.optDouble(c, "layer_norm_eps", 1e-12));
    }

    private static int optInt(JsonObject c, String key, int fallback) {
        JsonElement e = c.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsInt();
    }

    /**
     * This configuration as a Hugging Face {@code config.json} (the keys {@link #fromHuggingFace} reads).
     *
     * @return the JSON object
     */
    public JsonObject toHuggingFace() {
        JsonObject c = new JsonObject();
        c.addProperty("model_type", architecture.modelType());
        c.addProperty("vocab_size", vocabSize);
        c.addProperty("hidden_size", hiddenSize);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("num_attention_heads", heads);
        c.addProperty("intermediate_size", intermediateSize);
        c.addProperty("hidden_act", activation.configName());
        c.addProperty("max_position_embeddings", maxPositions);
        c.addProperty("type_vocab_size", typeVocabSize);
        c.addProperty("pad_token_id", padTokenId);
        c.addProperty("layer_norm_eps", layerNormEps);
        c.addProperty("position_embedding_type", "absolute");
        return c;
    }
}
