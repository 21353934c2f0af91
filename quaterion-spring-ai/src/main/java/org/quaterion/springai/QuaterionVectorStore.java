package org.quaterion.springai;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.quaterion.distance.Distance;
import org.quaterion.search.LiveVectorIndex;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * Spring AI's {@link VectorStore} over a {@link LiveVectorIndex}: documents are embedded with the store's
 * {@link EmbeddingModel} (a {@link QuaterionEmbeddingModel} embeds documents and queries with the servable's document
 * and query prompts) and kept in the index with their id, text and metadata as a JSON {@code Payload}.
 *
 * <ul>
 *   <li>{@link #add}: re-adding an id replaces its document, as Spring AI's stores do; one call with the same id twice
 *       is refused. Metadata values must be strings, numbers, booleans, or lists and maps of them.
 *   <li>{@link #similaritySearch}: {@code topK} nearest documents passing the filter expression (see
 *       {@link MetadataFilter} for what it supports; anything else is refused), each with its text, metadata (plus
 *       Spring AI's {@code distance} = 1 − score) and score. The score is the <b>cosine similarity</b> to the query,
 *       in [−1, 1], as Spring AI's {@code SimpleVectorStore} and pgvector report it; a {@code similarityThreshold}
 *       above 0 keeps documents scoring at least that, 0 keeps all. An index whose distance is not cosine (or a dot
 *       product of normalised vectors) cannot give that score and is refused.
 *   <li>{@link #delete(List)} removes the ids present and ignores the others, as Spring AI's stores do;
 *       {@link #delete(Filter.Expression)} removes every document whose metadata pass the expression.
 *   <li>{@link #save(Path)} writes the index atomically; {@link #open(EmbeddingModel, Path)} reads it back.
 * </ul>
 *
 * <p>Thread-safe. The store owns its index: {@link #close()} closes it; the embedding model stays the caller's.
 */
public final class QuaterionVectorStore implements VectorStore, AutoCloseable {

    private final EmbeddingModel embeddingModel;
    private final LiveVectorIndex index;
    private final Distance distance;

    private QuaterionVectorStore(EmbeddingModel embeddingModel, LiveVectorIndex index, Distance distance) {
        this.embeddingModel = embeddingModel;
        this.index = index;
        this.distance = distance;
        int dimensions = embeddingModel.dimensions();
        if (dimensions != index.dimension()) {
            throw new IllegalArgumentException("the embedding model outputs " + dimensions
                    + " dimensions but the index holds " + index.dimension() + "-dimensional vectors: use the model"
                    + " the store was built with");
        }
    }

    /**
     * An empty store with the default index settings (cosine distance).
     *
     * @param embeddingModel the model that embeds documents and queries
     * @return the store
     */
    public static QuaterionVectorStore create(EmbeddingModel embeddingModel) {
        return create(embeddingModel, VectorIndex.Config.defaults());
    }

    /**
     * An empty store.
     *
     * @param embeddingModel the model that embeds documents and queries
     * @param config index settings, with a cosine distance (or a dot product of normalised vectors)
     * @return the store
     * @throws IllegalArgumentException when the distance cannot give a cosine score
     */
    public static QuaterionVectorStore create(EmbeddingModel embeddingModel, VectorIndex.Config config) {
        Objects.requireNonNull(embeddingModel, "embeddingModel");
        checkDistance(config.distance());
        return new QuaterionVectorStore(embeddingModel, LiveVectorIndex.create(embeddingModel.dimensions(), config),
                config.distance());
    }

    /**
     * A store over a directory written by {@link #save(Path)}, with the default index settings (cosine distance).
     *
     * @param embeddingModel the model the documents were embedded with
     * @param dir the store's directory
     * @return the store
     * @throws IOException when the index cannot be read
     */
    public static QuaterionVectorStore open(EmbeddingModel embeddingModel, Path dir) throws IOException {
        return open(embeddingModel, dir, VectorIndex.Config.defaults());
    }

    /**
     * A store over a directory written by {@link #save(Path)}.
     *
     * @param embeddingModel the model the documents were embedded with
     * @param dir the store's directory
     * @param config index settings; their distance must be the saved index's
     * @return the store
     * @throws IOException when the index cannot be read
     * @throws IllegalArgumentException when the distances differ or the dimensions do not match the model
     */
    public static QuaterionVectorStore open(EmbeddingModel embeddingModel, Path dir, VectorIndex.Config config)
            throws IOException {
        Objects.requireNonNull(embeddingModel, "embeddingModel");
        checkDistance(config.distance());
        LiveVectorIndex index = LiveVectorIndex.open(dir, config);
        try {
            return new QuaterionVectorStore(embeddingModel, index, config.distance());
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    private static void checkDistance(Distance distance) {
        boolean cosine = distance.kind() == Distance.Kind.COSINE
                || distance.kind() == Distance.Kind.DOT_PRODUCT && distance.isNormalized();
        if (!cosine) {
            throw new IllegalArgumentException("a Spring AI vector store scores documents by cosine similarity, which"
                    + " an index with distance " + distance + " cannot give: use Distance.cosine()");
        }
    }

    /**
     * The number of documents.
     *
     * @return the count
     */
    public int size() {
        return index.size();
    }

    /**
     * Embeds and stores documents; an id already present is replaced.
     *
     * @param documents text documents with distinct ids
     * @throws IllegalArgumentException for a media document, a repeated id or a metadata value that is not JSON data
     */
    @Override
    public void add(List<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        if (documents.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>();
        List<String> payloads = new ArrayList<>(documents.size());
        for (Document document : documents) {
            Objects.requireNonNull(document, "document");
            if (!ids.add(document.getId())) {
                throw new IllegalArgumentException("document id " + document.getId() + " appears twice in one add;"
                        + " pass each id once");
            }
            if (document.getText() == null) {
                throw new IllegalArgumentException("document " + document.getId()
                        + " carries media, not text: this store holds text documents only");
            }
            payloads.add(StoredDocument.toJson(document));
        }
        List<float[]> vectors = embedDocuments(documents);
        List<LiveVectorIndex.Entry> entries = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            entries.add(new LiveVectorIndex.Entry(documents.get(i).getId(), vectors.get(i),
                    Payload.json(payloads.get(i))));
        }
        index.upsertAll(entries); // all or none
    }

    private List<float[]> embedDocuments(List<Document> documents) {
        if (embeddingModel instanceof QuaterionEmbeddingModel quaterion) {
            return List.of(quaterion.embedDocuments(documents));
        }
        return embeddingModel.embed(documents.stream().map(Document::getText).toList());
    }

    private float[] embedQuery(String query) {
        if (embeddingModel instanceof QuaterionEmbeddingModel quaterion) {
            return quaterion.embedQuery(query);
        }
        return embeddingModel.embed(query);
    }

    /**
     * Removes documents by id; ids not in the store are ignored.
     *
     * @param idList the ids
     */
    @Override
    public void delete(List<String> idList) {
        Objects.requireNonNull(idList, "idList");
        for (String id : idList) {
            index.remove(Objects.requireNonNull(id, "id"));
        }
    }

    /**
     * Removes every document whose metadata pass the expression.
     *
     * @param filterExpression the expression (see {@link MetadataFilter})
     * @throws IllegalArgumentException for an unsupported expression
     */
    @Override
    public void delete(Filter.Expression filterExpression) {
        Predicate<Map<String, Object>> filter = MetadataFilter.compile(filterExpression);
        List<String> doomed = new ArrayList<>();
        for (String id : index.ids()) {
            if (filter.test(StoredDocument.fromPayload(id, index.payload(id).orElse(null)).metadata())) {
                doomed.add(id);
            }
        }
        doomed.forEach(index::remove);
    }

    /**
     * The {@code topK} documents nearest the query that pass the filter and the threshold, nearest first.
     *
     * @param request query, topK, threshold and optional filter expression
     * @return documents with id, text, metadata and score (cosine similarity)
     * @throws IllegalArgumentException for a blank query or an unsupported filter
     */
    @Override
    public List<Document> similaritySearch(SearchRequest request) {
        Objects.requireNonNull(request, "request");
        String query = request.getQuery();
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("the search query is blank: set SearchRequest.builder().query(...)");
        }
        Filter.Expression expression = request.getFilterExpression();
        Predicate<Map<String, Object>> filter = expression != null ? MetadataFilter.compile(expression)
                : metadata -> true;
        if (request.getTopK() == 0 || index.size() == 0) {
            return List.of();
        }
        double threshold = request.getSimilarityThreshold();
        List<VectorIndex.Hit> hits = index.search(embedQuery(query), request.getTopK(),
                hit -> filter.test(StoredDocument.fromPayload(hit.id(), hit.payload()).metadata()));
        List<Document> out = new ArrayList<>(hits.size());
        for (VectorIndex.Hit hit : hits) {
            double score = score(hit.distance());
            if (threshold > 0 && score < threshold) {
                continue;
            }
            out.add(StoredDocument.fromPayload(hit.id(), hit.payload()).toDocument(hit.id(), score));
        }
        return out;
    }

    /** The cosine similarity behind a distance: 1 − d/scale for cosine, −d/scale for a normalised dot product. */
    private double score(double d) {
        double unscaled = d / distance.scale();
        return distance.kind() == Distance.Kind.COSINE ? 1 - unscaled : -unscaled;
    }

    /**
     * Writes the index (vectors, ids and payloads) to a directory, atomically.
     *
     * @param dir the target; an existing directory is replaced only when it holds an index
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        index.save(dir);
    }

    /**
     * The underlying index.
     *
     * @return it
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getNativeClient() {
        return Optional.of((T) index);
    }

    /** Closes the index. */
    @Override
    public void close() throws IOException {
        index.close();
    }
}
