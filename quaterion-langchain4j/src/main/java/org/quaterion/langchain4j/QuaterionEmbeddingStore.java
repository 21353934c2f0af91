package org.quaterion.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Predicate;
import org.quaterion.search.LiveVectorIndex;
import org.quaterion.search.VectorIndex;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s over a {@link LiveVectorIndex}: each item is an id,
 * its vector, and its segment (text and metadata) as the item's JSON payload (see the module's docs for the layout),
 * so that a store saved with {@link #save} serves the same hits, payloads included, as a {@link VectorIndex}.
 *
 * <p>Scores are LangChain4j's relevance scores {@code (cos + 1) / 2}, as its {@code InMemoryEmbeddingStore} gives
 * them; the index's distance must therefore determine the cosine (cosine, the default, or a normalised dot product or
 * Euclidean distance): any other is refused when the store is created or opened. A metadata {@link Filter} is tested
 * on each candidate's segment metadata inside the index's search (which widens until {@code maxResults} pass);
 * items stored without a segment never match a filter.
 *
 * <p>Thread-safe. Ids are unique: adding an id the store holds is refused (remove it first). Close the store to free
 * the index.
 */
public final class QuaterionEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

    private final LiveVectorIndex index;
    private final DoubleUnaryOperator score;

    private QuaterionEmbeddingStore(LiveVectorIndex index) {
        this.index = index;
        try {
            this.score = RelevanceScores.of(index.distance());
        } catch (IllegalArgumentException e) {
            closeQuietly(index, e);
            throw e;
        }
    }

    /**
     * An empty store of cosine distances ({@link VectorIndex.Config#defaults()}).
     *
     * @param dimension the embeddings' width, e.g. {@code QuaterionEmbeddingModel.dimension()}
     * @return the store
     */
    public static QuaterionEmbeddingStore create(int dimension) {
        return create(dimension, VectorIndex.Config.defaults());
    }

    /**
     * An empty store with index settings.
     *
     * @param dimension the embeddings' width
     * @param config the index settings; their distance must determine the cosine
     * @return the store
     * @throws IllegalArgumentException when the distance does not determine the cosine, or the dimension is < 1
     */
    public static QuaterionEmbeddingStore create(int dimension, VectorIndex.Config config) {
        RelevanceScores.of(Objects.requireNonNull(config, "config").distance());
        return new QuaterionEmbeddingStore(LiveVectorIndex.create(dimension, config));
    }

    /**
     * Opens a store saved by {@link #save} (or any {@link VectorIndex} directory whose payloads are segments).
     *
     * @param dir the directory
     * @return the store, holding what was saved
     * @throws IOException when the directory cannot be read
     * @throws IllegalArgumentException when the index's distance does not determine the cosine
     */
    public static QuaterionEmbeddingStore open(Path dir) throws IOException {
        return new QuaterionEmbeddingStore(LiveVectorIndex.open(dir));
    }

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding, null);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        add(id, embedding, null);
    }

    @Override
    public String add(Embedding embedding, TextSegment textSegment) {
        String id = UUID.randomUUID().toString();
        add(id, embedding, textSegment);
        return id;
    }

    /**
     * Adds one item with a given id.
     *
     * @param id a new, non-blank id
     * @param embedding its embedding, of the store's dimension
     * @param textSegment its segment, or null for none
     * @throws IllegalArgumentException when the id is blank or held already, or the embedding's width is wrong
     */
    public void add(String id, Embedding embedding, TextSegment textSegment) {
        addAll(Collections.singletonList(id), Collections.singletonList(embedding),
                Collections.singletonList(textSegment));
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        Objects.requireNonNull(embeddings, "embeddings");
        return addAll(embeddings, Collections.nCopies(embeddings.size(), null));
    }

    /**
     * Adds items with given ids, all or none (the index adds the whole list or refuses it).
     *
     * @param ids new, distinct, non-blank ids without line breaks
     * @param embeddings one embedding per id, of the store's dimension, finite values
     * @param embedded one segment per id (null elements: items without segment), or null for none at all
     * @throws IllegalArgumentException when the lists' sizes differ, an id is blank, repeated or held already, or an
     *     embedding is null, of the wrong width or not finite
     */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size() || (embedded != null && embedded.size() != ids.size())) {
            throw new IllegalArgumentException("ids, embeddings and segments must have one entry per item, got "
                    + ids.size() + ", " + embeddings.size() + " and " + (embedded == null ? "no" : embedded.size()));
        }
        if (ids.isEmpty()) {
            return;
        }
        List<LiveVectorIndex.Entry> entries = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id " + i + " is blank: every item needs an id");
            }
            if (index.contains(id)) {
                throw new IllegalArgumentException("the store holds id '" + id + "' already: remove it first, or "
                        + "add with a new id");
            }
            TextSegment segment = embedded == null ? null : embedded.get(i);
            entries.add(new LiveVectorIndex.Entry(id, vector(embeddings.get(i), "embedding of '" + id + "'"),
                    segment == null ? null : SegmentPayloads.toPayload(segment)));
        }
        index.addAll(entries);
    }

    /**
     * Removes items by id; ids the store does not hold are skipped, as in LangChain4j's own stores.
     *
     * @param ids the ids, not empty, no blank one
     */
    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("ids is empty: pass the ids to remove (removeAll() empties the store)");
        }
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a blank id among the ids to remove: " + ids);
            }
        }
        ids.forEach(index::remove);
    }

    /**
     * Removes every item whose segment's metadata pass the filter (items without segment never do). Every item is
     * tested before the first is removed, so a payload that is not a segment, or a filter that cannot compare a
     * value, removes nothing.
     *
     * @param filter the filter, not null
     * @throws IllegalStateException when an item's payload is not a segment
     */
    @Override
    public void removeAll(Filter filter) {
        Objects.requireNonNull(filter, "filter (removeAll() empties the store)");
        List<String> matching = new ArrayList<>();
        for (String id : index.ids()) {
            TextSegment segment = SegmentPayloads.toSegment(id, index.payload(id).orElse(null));
            if (segment != null && filter.test(segment.metadata())) {
                matching.add(id);
            }
        }
        matching.forEach(index::remove);
    }

    /** Removes every item. */
    @Override
    public void removeAll() {
        index.ids().forEach(index::remove);
    }

    /**
     * The items closest to the query embedding, best first: at most {@code maxResults}, each with a relevance score
     * {@code (cos + 1) / 2} of at least {@code minScore} and, with a filter, segment metadata that pass it.
     *
     * @param request the query embedding (of the store's dimension), maxResults, minScore, an optional filter
     * @return the matches, with their stored embeddings and segments
     * @throws IllegalArgumentException when the query's width is wrong
     */
    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Objects.requireNonNull(request, "request");
        float[] query = vector(request.queryEmbedding(), "query embedding");
        Predicate<VectorIndex.Hit> test = request.filter() == null ? hit -> true : metadataTest(request.filter());
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (VectorIndex.Hit hit : index.search(query, request.maxResults(), test)) {
            double relevance = score.applyAsDouble(hit.distance());
            if (relevance < request.minScore()) {
                break; // hits come closest first: the rest score lower
            }
            matches.add(new EmbeddingMatch<>(relevance, hit.id(), storedEmbedding(hit.id()),
                    SegmentPayloads.toSegment(hit.id(), hit.payload())));
        }
        return new EmbeddingSearchResult<>(matches);
    }

    /**
     * Saves the store atomically as a {@link VectorIndex} directory, which {@link #open} (and
     * {@code VectorIndex.open}) reads.
     *
     * @param dir the directory to create or to replace (a saved index only)
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        index.save(dir);
    }

    /**
     * How many items the store holds.
     *
     * @return the count
     */
    public int size() {
        return index.size();
    }

    /**
     * The width of the vectors the store holds.
     *
     * @return the dimension
     */
    public int dimension() {
        return index.dimension();
    }

    /** Frees the index. */
    @Override
    public void close() throws IOException {
        index.close();
    }

    /** A hit test: the hit has a segment whose metadata pass the filter. */
    private static Predicate<VectorIndex.Hit> metadataTest(Filter filter) {
        return hit -> {
            TextSegment segment = SegmentPayloads.toSegment(hit.id(), hit.payload());
            return segment != null && filter.test(segment.metadata());
        };
    }

    /** An item's vector as the index stores it; null when it was removed since the search. */
    private Embedding storedEmbedding(String id) {
        try {
            return index.vector(id).map(Embedding::from).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the vector of '" + id + "' from the saved index failed", e);
        }
    }

    /** The embedding's values (the index checks their width and finiteness). */
    private static float[] vector(Embedding embedding, String what) {
        if (embedding == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return embedding.vector();
    }

    private static void closeQuietly(AutoCloseable closeable, Exception cause) {
        try {
            closeable.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
