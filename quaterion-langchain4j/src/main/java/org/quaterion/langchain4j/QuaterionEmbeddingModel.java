package org.quaterion.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;

/**
 * A LangChain4j {@link EmbeddingModel} over a (fine-tuned) {@link SimilarityModel} of texts: {@link #embedAll}
 * encodes the segments' texts with {@link SimilarityModel#encode}, in forward passes of {@link #batchSize()} texts, and
 * every other {@code embed} method of the interface goes through it.
 *
 * <p>The similarity model stays the caller's: this adapter never closes it, and works as long as it is open. It is
 * thread-safe as the model is. A model trained with {@link Prompts} (e5's {@code "query: "} / {@code "passage: "})
 * encodes with its default role's prefix; for asymmetric search build one adapter per role ({@link
 * Builder#role(Prompts.Role)}): {@code DOCUMENT} for LangChain4j's ingestor, {@code QUERY} for its retriever.
 */
public final class QuaterionEmbeddingModel implements EmbeddingModel {

    /** Texts per forward pass when none is configured. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    private final SimilarityModel<String> model;
    private final int batchSize;
    private final String modelName;
    private final Prompts.Role role;

    private QuaterionEmbeddingModel(Builder builder) {
        this.model = builder.model;
        this.batchSize = builder.batchSize;
        this.modelName = builder.modelName != null ? builder.modelName : describe(builder.model);
        this.role = builder.role;
    }

    /**
     * An adapter with the defaults: batches of {@value #DEFAULT_BATCH_SIZE}, the model's default prompt role, a name
     * built from the model's encoders and head.
     *
     * @param model an open similarity model of {@code String} records, not null
     * @return the adapter
     */
    public static QuaterionEmbeddingModel of(SimilarityModel<String> model) {
        return builder(model).build();
    }

    /**
     * Starts a builder.
     *
     * @param model an open similarity model of {@code String} records, not null
     * @return a builder with the defaults of {@link #of}
     */
    public static Builder builder(SimilarityModel<String> model) {
        return new Builder(model);
    }

    /**
     * Embeds the segments' texts (their metadata is not encoded), in input order.
     *
     * @param textSegments the segments, not null, no null element; empty gives an empty list
     * @return one embedding of {@link #dimension()} values per segment; no token usage
     * @throws IllegalArgumentException when the list or one of its segments is null
     */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
        if (textSegments == null) {
            throw new IllegalArgumentException("textSegments is null: pass a list of TextSegment (empty for none)");
        }
        if (textSegments.isEmpty()) {
            return Response.from(List.of());
        }
        List<String> texts = new ArrayList<>(textSegments.size());
        for (int i = 0; i < textSegments.size(); i++) {
            TextSegment segment = textSegments.get(i);
            if (segment == null || segment.text() == null) {
                throw new IllegalArgumentException("text segment " + i + " of " + textSegments.size()
                        + " is null: every segment needs a text to embed");
            }
            texts.add(segment.text());
        }
        float[][] rows = role == null ? model.encode(texts, batchSize) : model.encode(role, texts, batchSize);
        List<Embedding> embeddings = new ArrayList<>(rows.length);
        for (float[] row : rows) {
            embeddings.add(Embedding.from(row));
        }
        return Response.from(embeddings);
    }

    /**
     * The width of the embeddings, without encoding anything.
     *
     * @return the similarity model's {@link SimilarityModel#embeddingSize()}
     */
    @Override
    public int dimension() {
        return model.embeddingSize();
    }

    /**
     * The configured name, else one built from the model: {@code quaterion(<encoder key>=<encoder type>, ...,
     * head=<head type>)}.
     *
     * @return the name LangChain4j reports in responses and listeners
     */
    @Override
    public String modelName() {
        return modelName;
    }

    /**
     * Texts per forward pass.
     *
     * @return the batch size, at least 1
     */
    public int batchSize() {
        return batchSize;
    }

    /** A name from the model's structure: encoder keys and types, and the head's type. */
    private static String describe(SimilarityModel<String> model) {
        StringJoiner name = new StringJoiner(", ", "quaterion(", ")");
        model.encoders().forEach((key, encoder) -> name.add(key + "=" + encoder.typeName()));
        name.add("head=" + model.head().typeName());
        return name.toString();
    }

    @Override
    public String toString() {
        return "QuaterionEmbeddingModel{" + modelName + ", dimension " + dimension() + ", batchSize " + batchSize
                + (role == null ? "" : ", role " + role) + "}";
    }

    /** Builds a {@link QuaterionEmbeddingModel}. */
    public static final class Builder {

        private final SimilarityModel<String> model;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private String modelName;
        private Prompts.Role role;

        private Builder(SimilarityModel<String> model) {
            this.model = Objects.requireNonNull(model, "model: an open SimilarityModel<String>");
            String records = model.recordType();
            if (records != null && !String.class.getName().equals(records)) {
                throw new IllegalArgumentException("the model takes " + records + " records, not texts: "
                        + "LangChain4j embeds TextSegments, so use a model trained on String records");
            }
        }

        /**
         * Texts per forward pass (more: faster on many segments, more memory per pass).
         *
         * @param value at least 1 (default {@value QuaterionEmbeddingModel#DEFAULT_BATCH_SIZE})
         * @return this builder
         * @throws IllegalArgumentException when {@code value < 1}
         */
        public Builder batchSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + value
                        + ": it is the number of texts per forward pass (default " + DEFAULT_BATCH_SIZE + ")");
            }
            this.batchSize = value;
            return this;
        }

        /**
         * The name {@link #modelName()} reports, e.g. the servable's directory name.
         *
         * @param value a non-blank name
         * @return this builder
         * @throws IllegalArgumentException when the name is null or blank
         */
        public Builder modelName(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("modelName must not be blank: leave it out for a name built "
                        + "from the model's encoders and head");
            }
            this.modelName = value;
            return this;
        }

        /**
         * The prompt role whose prefix the texts get ({@link SimilarityModel#encode(Prompts.Role, List, int)}),
         * instead of the model's default role.
         *
         * @param value {@code QUERY} or {@code DOCUMENT}; null for the default role
         * @return this builder
         */
        public Builder role(Prompts.Role value) {
            this.role = value;
            return this;
        }

        /**
         * Builds the adapter.
         *
         * @return the adapter
         */
        public QuaterionEmbeddingModel build() {
            return new QuaterionEmbeddingModel(this);
        }
    }
}
