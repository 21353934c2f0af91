package org.quaterion.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.quaterion.models.SimilarityModel;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.DefaultEmbeddingOptions;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

/**
 * Spring AI's {@link EmbeddingModel} over a {@link SimilarityModel SimilarityModel&lt;String&gt;}: the vectors are
 * exactly {@code SimilarityModel.encode}'s, computed in batches of a fixed size. Texts ({@link #call},
 * {@link #embed(String)}, {@link #embed(List)}) take the model's default prompt; {@link Document}s take its document
 * prompt ({@link SimilarityModel#encodeDocuments}) and {@link #embedQuery} its query prompt, so a model trained with
 * e5-style prefixes is served as it was trained (without prompts the three are the same vectors).
 *
 * <p>Options: only Spring AI's default {@link EmbeddingOptions} ({@code EmbeddingOptions.builder()}) are accepted,
 * with a model name equal to {@link #modelName()} or none, and dimensions equal to {@link #dimensions()} or none;
 * anything else is refused, since this model cannot change its output. The response metadata name the model; usage is
 * empty (the tokenizer lives inside the encoder and reports no token counts). Thread-safe as the wrapped model; the
 * caller keeps ownership of it (closing is its business).
 */
public final class QuaterionEmbeddingModel implements EmbeddingModel {

    /** Texts per forward pass unless configured. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    /** The model name reported and accepted in options unless configured. */
    public static final String DEFAULT_MODEL_NAME = "quaterion";

    private final SimilarityModel<String> model;
    private final String modelName;
    private final int batchSize;

    /**
     * Wraps a servable with the default name and batch size.
     *
     * @param model the servable, loaded with String records
     */
    public QuaterionEmbeddingModel(SimilarityModel<String> model) {
        this(model, DEFAULT_MODEL_NAME, DEFAULT_BATCH_SIZE);
    }

    /**
     * Wraps a servable.
     *
     * @param model the servable, loaded with String records
     * @param modelName the name reported in response metadata and accepted in {@link EmbeddingOptions#getModel()}
     * @param batchSize texts per forward pass, at least 1
     */
    public QuaterionEmbeddingModel(SimilarityModel<String> model, String modelName, int batchSize) {
        this.model = Objects.requireNonNull(model, "model");
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must not be blank");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.modelName = modelName;
        this.batchSize = batchSize;
    }

    /**
     * The wrapped servable.
     *
     * @return it
     */
    public SimilarityModel<String> similarityModel() {
        return model;
    }

    /**
     * The name reported in response metadata.
     *
     * @return the name
     */
    public String modelName() {
        return modelName;
    }

    /**
     * Texts per forward pass.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The embedding width, from the servable (no probe call).
     *
     * @return {@code SimilarityModel.embeddingSize()}
     */
    @Override
    public int dimensions() {
        return model.embeddingSize();
    }

    /**
     * Embeds the request's texts with the model's default prompt, in batches of {@link #batchSize()}; result
     * {@code i} has index {@code i}. An empty request gets an empty response.
     *
     * @param request texts (no nulls) and optional default options
     * @return one embedding per text, in order, with metadata naming the model
     * @throws IllegalArgumentException for options this model cannot honour or a null text
     */
    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        checkOptions(request.getOptions());
        List<String> texts = checkTexts(request.getInstructions());
        return response(texts.isEmpty() ? new float[0][] : model.encode(texts, batchSize));
    }

    /**
     * Embeds a document's text with the model's document prompt.
     *
     * @param document a text document
     * @return its vector
     * @throws IllegalArgumentException when the document carries media instead of text
     */
    @Override
    public float[] embed(Document document) {
        return embedDocuments(List.of(document))[0];
    }

    /**
     * Embeds documents with the model's document prompt, one forward pass per {@link #batchSize()} texts within
     * each of the strategy's batches.
     *
     * @param documents text documents
     * @param options default options (checked as in {@link #call})
     * @param batchingStrategy how to group the documents
     * @return one vector per document, in order
     */
    @Override
    public List<float[]> embed(List<Document> documents, EmbeddingOptions options, BatchingStrategy batchingStrategy) {
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(batchingStrategy, "batchingStrategy");
        checkOptions(options);
        List<float[]> out = new ArrayList<>(documents.size());
        for (List<Document> batch : batchingStrategy.batch(documents)) {
            if (!batch.isEmpty()) {
                out.addAll(List.of(embedDocuments(batch)));
            }
        }
        return out;
    }

    /**
     * Embeds a search query with the model's query prompt ({@link SimilarityModel#encodeQueries}).
     *
     * @param query the query text
     * @return its vector
     */
    public float[] embedQuery(String query) {
        return model.encodeQueries(checkTexts(List.of(Objects.requireNonNull(query, "query"))), batchSize)[0];
    }

    /**
     * Embeds document texts with the model's document prompt.
     *
     * @param documents text documents, non-empty
     * @return one vector per document, in order
     * @throws IllegalArgumentException when a document carries media instead of text
     */
    public float[][] embedDocuments(List<Document> documents) {
        List<String> texts = new ArrayList<>(documents.size());
        for (Document document : documents) {
            Objects.requireNonNull(document, "document");
            if (document.getText() == null) {
                throw new IllegalArgumentException("document " + document.getId()
                        + " carries media, not text: this embedding model encodes text only");
            }
            texts.add(document.getText());
        }
        return model.encodeDocuments(texts, batchSize);
    }

    private EmbeddingResponse response(float[][] vectors) {
        List<Embedding> embeddings = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            embeddings.add(new Embedding(vectors[i], i));
        }
        return new EmbeddingResponse(embeddings, new EmbeddingResponseMetadata(modelName, new EmptyUsage()));
    }

    private static List<String> checkTexts(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " of the request is null");
            }
        }
        return texts;
    }

    /** Refuses options this model cannot apply: provider-specific types, another model name, other dimensions. */
    private void checkOptions(EmbeddingOptions options) {
        if (options == null) {
            return;
        }
        if (!(options instanceof DefaultEmbeddingOptions)) {
            throw new IllegalArgumentException("embedding options of type " + options.getClass().getName()
                    + " carry provider settings this model cannot apply; pass EmbeddingOptions.builder()"
                    + " (model and dimensions only) or no options");
        }
        String model = options.getModel();
        if (model != null && !model.equals(modelName)) {
            throw new IllegalArgumentException("options ask for model '" + model + "' but this is '"
                    + modelName + "'; leave the model unset or configure that name");
        }
        Integer dimensions = options.getDimensions();
        if (dimensions != null && dimensions != dimensions()) {
            throw new IllegalArgumentException("options ask for " + dimensions + " dimensions but this model outputs "
                    + dimensions() + "; leave dimensions unset (shorter Matryoshka prefixes come from"
                    + " SimilarityModel.encode(records, batchSize, dimensions, normalize))");
        }
    }
}
