package org.quaterion.onnx.export;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link OnnxExport} wrote.
 *
 * @param directory the export directory ({@code model.onnx}, {@code tokenizer.json}, {@code export.json})
 * @param dimension the width of {@code sentence_embedding}
 * @param inputs the graph's inputs, in order ({@code input_ids}, {@code attention_mask}, and
 *     {@code token_type_ids} when the encoder's graph takes it)
 * @param normalized whether {@code sentence_embedding} has unit length (the head or the encoder ends in an L2
 *     normalisation)
 */
public record ExportedModel(Path directory, int dimension, List<String> inputs, boolean normalized) {

    /** The model file's name. */
    public static final String MODEL_FILE = "model.onnx";
    /** The tokenizer file's name. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** The description file's name. */
    public static final String DESCRIPTION_FILE = "export.json";
    /** The sentence-level output: {@code (batch, dimension)} float32. */
    public static final String SENTENCE_EMBEDDING = "sentence_embedding";
    /**
     * The token-level output, first among the outputs: {@code (batch, sequence, dimension)} float32 whose every token
     * row is the sentence embedding, so that a runtime that pools token states itself (mean or CLS, such as
     * LangChain4j's {@code OnnxEmbeddingModel}) gets the sentence embedding.
     */
    public static final String SENTENCE_EMBEDDING_PER_TOKEN = "sentence_embedding_per_token";

    /** Copies the input list. */
    public ExportedModel {
        inputs = List.copyOf(inputs);
    }
}
