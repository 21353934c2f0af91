package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.quaterion.distance.Distance;

/**
 * A {@link VectorIndex} that items can be added to and removed from while it serves searches, as embedding stores
 * (LangChain4j, Spring AI) need. It answers from a saved index (when opened from one) plus the items added since,
 * searched exactly, minus the items removed since; {@link #save} writes all live items as a new {@link VectorIndex}
 * (atomically, HNSW above the configured size) and continues from it. Thread-safe: searches run in parallel, a change
 * waits for them. Items added since the last save are searched exactly (every one per query): save now and then to
 * move them into the saved index. Close it to free its memory and files.
 */
public final class LiveVectorIndex implements AutoCloseable {

    /**
     * One item to add.
     *
     * @param id unique id without line breaks
     * @param vector finite values, {@link #dimension()} of them
     * @param payload its payload, or null
     */
    public record Entry(String id, float[] vector, Payload payload) {}

    private record Item(float[] vector, Payload payload) {}

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final int dimension;
    private final VectorIndex.Config config;
    /** The saved index answering for most items; null until something was saved or opened. */
    private VectorIndex base;
    /** Items of {@link #base} removed or replaced since it was saved. */
    private final Set<String> hidden = new HashSet<>();
    /** Items added since {@link #base} was saved, in insertion order. */
    private final Map<String, Item> added = new LinkedHashMap<>();
    private final Object recentGuard = new Object();
    /** The exact engine over {@link #added} and its ids; rebuilt by the first search after a change. */
    private Recent recent;
    private boolean closed;

    private record Recent(List<String> ids, NearestNeighbours engine, NDManager manager) {
        void close() throws IOException {
            try {
                engine.close();
            } finally {
                manager.close();
            }
        }
    }

    private LiveVectorIndex(int dimension, VectorIndex.Config config, VectorIndex base) {
        this.dimension = dimension;
        this.config = config;
        this.base = base;
    }

    /**
     * An empty index.
     *
     * @param dimension values per vector, at least 1
     * @param config the distance and, for {@link #save}, when HNSW is used
     * @return the index
     */
    public static LiveVectorIndex create(int dimension, VectorIndex.Config config) {
        if (dimension < 1 || config == null) {
            throw new IllegalArgumentException("give a dimension of at least 1 and a config, got " + dimension + " and "
                    + config);
        }
        return new LiveVectorIndex(dimension, config, null);
    }

    /**
     * Continues from an index written by {@link VectorIndex#build} or {@link #save}, with the default settings and
     * the saved index's distance and quantisation (a later save quantises likewise).
     *
     * @param dir its directory
     * @return the index
     * @throws IOException when reading fails
     */
    public static LiveVectorIndex open(Path dir) throws IOException {
        VectorIndex saved = VectorIndex.open(dir);
        return new LiveVectorIndex(saved.dimension(), VectorIndex.Config.defaults().withDistance(saved.distance())
                .withQuantization(saved.quantization(), saved.rescore()), saved);
    }

    /**
     * Continues from a saved index with the given settings, whose distance must be the saved one.
     *
     * @param dir its directory
     * @param config the settings for later saves
     * @return the index
     * @throws IOException when reading fails
     */
    public static LiveVectorIndex open(Path dir, VectorIndex.Config config) throws IOException {
        VectorIndex saved = VectorIndex.open(dir);
        if (!saved.distance().equals(config.distance())) {
            String problem = "the index in " + dir + " ranks by " + saved.distance() + ", the config by "
                    + config.distance() + ": open it with its own distance or rebuild it";
            saved.close();
            throw new IllegalArgumentException(problem);
        }
        return new LiveVectorIndex(saved.dimension(), config, saved);
    }

    /**
     * Values per vector.
     *
     * @return the dimension
     */
    public int dimension() {
        return dimension;
    }

    /**
     * The distance the index ranks by (a saved index's own when opened from one).
     *
     * @return the distance
     */
    public Distance distance() {
        return config.distance();
    }

    /**
     * Number of live items.
     *
     * @return the count
     */
    public int size() {
        return read(() -> (base == null ? 0 : base.size()) - hidden.size() + added.size());
    }

    /**
     * Whether a live item has this id.
     *
     * @param id the id
     * @return true when present
     */
    public boolean contains(String id) {
        return read(() -> containsLive(id));
    }

    /**
     * The payload of a live item.
     *
     * @param id the id
     * @return its payload; empty when the id is unknown or has none
     */
    public Optional<Payload> payload(String id) {
        return read(() -> {
            Item item = added.get(id);
            if (item != null) {
                return Optional.ofNullable(item.payload());
            }
            return inBase(id) ? base.payload(id) : Optional.empty();
        });
    }

    /**
     * The vector of a live item.
     *
     * @param id the id
     * @return a copy of its values; empty when the id is unknown
     * @throws IOException when reading a saved vector fails
     */
    public Optional<float[]> vector(String id) throws IOException {
        lock.readLock().lock();
        try {
            checkOpen();
            Item item = added.get(id);
            if (item != null) {
                return Optional.of(item.vector().clone());
            }
            return inBase(id) ? base.vector(id) : Optional.empty();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Adds an item; an id already present is refused (use {@link #upsert} to replace it).
     *
     * @param id unique id without line breaks
     * @param vector {@link #dimension()} finite values (copied)
     * @param payload its payload, or null
     */
    public void add(String id, float[] vector, Payload payload) {
        addAll(List.of(new Entry(id, vector, payload)));
    }

    /**
     * Adds items, all or none; an id already present, or twice in the list, is refused.
     *
     * @param entries the items
     */
    public void addAll(List<Entry> entries) {
        write(() -> {
            check(entries);
            for (Entry e : entries) {
                if (containsLive(e.id())) {
                    throw new IllegalArgumentException("id '" + e.id() + "' is already in the index: remove it first "
                            + "or upsert to replace it");
                }
            }
            put(entries);
        });
    }

    /**
     * Adds an item, replacing the one with the same id if there is one.
     *
     * @param id id without line breaks
     * @param vector {@link #dimension()} finite values (copied)
     * @param payload its payload, or null
     */
    public void upsert(String id, float[] vector, Payload payload) {
        upsertAll(List.of(new Entry(id, vector, payload)));
    }

    /**
     * Adds items, replacing those with the same ids; an id twice in the list is refused.
     *
     * @param entries the items
     */
    public void upsertAll(List<Entry> entries) {
        write(() -> {
            check(entries);
            for (Entry e : entries) {
                if (inBase(e.id())) {
                    hidden.add(e.id());
                }
                added.remove(e.id());
            }
            put(entries);
        });
    }

    /**
     * Removes an item.
     *
     * @param id the id
     * @return whether it was there
     */
    public boolean remove(String id) {
        boolean[] removed = new boolean[1];
        write(() -> {
            if (added.remove(id) != null) {
                dropRecent();
                removed[0] = true;
            } else if (inBase(id)) {
                hidden.add(id);
                removed[0] = true;
            }
        });
        return removed[0];
    }

    /**
     * The ids of the live items: saved ones first, then those added since, in insertion order.
     *
     * @return a snapshot
     */
    public List<String> ids() {
        return read(() -> {
            List<String> out = new ArrayList<>(size());
            if (base != null) {
                for (String id : base.ids()) {
                    if (!hidden.contains(id)) {
                        out.add(id);
                    }
                }
            }
            out.addAll(added.keySet());
            return out;
        });
    }

    /**
     * The k nearest live items of a query.
     *
     * @param query {@link #dimension()} values
     * @param k results wanted, at least 1
     * @return at most k hits with their payloads, nearest first
     */
    public List<VectorIndex.Hit> search(float[] query, int k) {
        return search(query, k, hit -> true);
    }

    /**
     * The k nearest live items whose hit (id, distance, payload) passes a filter; the search widens until k pass or
     * every item was looked at.
     *
     * @param query {@link #dimension()} values
     * @param k results wanted, at least 1
     * @param filter which hits may be returned
     * @return at most k hits, nearest first (ties in insertion order)
     */
    public List<VectorIndex.Hit> search(float[] query, int k, Predicate<VectorIndex.Hit> filter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (query == null || query.length != dimension) {
            throw new IllegalArgumentException("the query has " + (query == null ? "no" : query.length)
                    + " dimensions, the index " + dimension + ": encode queries with the index's model");
        }
        return read(() -> {
            List<VectorIndex.Hit> hits = new ArrayList<>();
            if (base != null) {
                hits.addAll(base.searchWhere(query, k, h -> !hidden.contains(h.id()) && filter.test(h)));
            }
            Recent r = recent();
            if (r != null) {
                KnnResult result = r.engine().search(new float[][] {query}, r.ids().size());
                long[] rows = result.indices()[0];
                int kept = 0;
                for (int i = 0; i < rows.length && kept < k; i++) {
                    if (rows[i] < 0) {
                        continue;
                    }
                    String id = r.ids().get((int) rows[i]);
                    VectorIndex.Hit h = new VectorIndex.Hit(id, result.distances()[0][i], added.get(id).payload());
                    if (filter.test(h)) {
                        hits.add(h);
                        kept++;
                    }
                }
            }
            hits.sort(Comparator.comparingDouble(VectorIndex.Hit::distance));
            return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
        });
    }

    /**
     * Writes every live item as a {@link VectorIndex} into {@code dir} (atomically: a crash leaves the previous
     * index) and continues from it. Saving into the directory this index was opened from replaces it.
     *
     * @param dir the directory to create, or to replace when it is empty or an index written by this library
     * @throws IOException when writing fails
     * @throws IllegalStateException when there is nothing to save
     */
    public void save(Path dir) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            List<String> ids = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            List<Payload> payloads = new ArrayList<>();
            if (base != null) {
                for (String id : base.ids()) {
                    if (!hidden.contains(id)) {
                        ids.add(id);
                        vectors.add(base.vector(id).orElseThrow());
                        payloads.add(base.payload(id).orElse(null));
                    }
                }
            }
            for (Map.Entry<String, Item> e : added.entrySet()) {
                ids.add(e.getKey());
                vectors.add(e.getValue().vector());
                payloads.add(e.getValue().payload());
            }
            if (ids.isEmpty()) {
                throw new IllegalStateException("the index is empty: add items before saving it");
            }
            boolean anyPayload = payloads.stream().anyMatch(p -> p != null);
            VectorIndex saved = VectorIndex.build(dir, ids, vectors.toArray(new float[0][]), anyPayload ? payloads
                    : null, config);
            VectorIndex previous = base;
            base = saved;
            hidden.clear();
            added.clear();
            dropRecent();
            if (previous != null) {
                previous.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Frees the memory and files; later calls throw {@code IllegalStateException}. A second close does nothing.
     *
     * @throws IOException when closing the saved index fails
     */
    @Override
    public void close() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dropRecent();
            if (base != null) {
                base.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean inBase(String id) {
        return base != null && base.contains(id) && !hidden.contains(id);
    }

    private boolean containsLive(String id) {
        return added.containsKey(id) || inBase(id);
    }

    private void check(List<Entry> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException("no items given: pass at least one entry");
        }
        List<String> ids = new ArrayList<>(entries.size());
        float[][] vectors = new float[entries.size()][];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            ids.add(e.id());
            vectors[i] = e.vector();
            if (e.vector() != null && e.vector().length != dimension) {
                throw new IllegalArgumentException("the vector of id '" + e.id() + "' has " + e.vector().length
                        + " dimensions, the index " + dimension + ": encode items with the index's model");
            }
        }
        VectorIndex.check(ids, vectors);
    }

    private void put(List<Entry> entries) {
        for (Entry e : entries) {
            added.put(e.id(), new Item(e.vector().clone(), e.payload()));
        }
        dropRecent();
    }

    /** The exact engine over the added items, built on first use after a change (searches share it). */
    private Recent recent() {
        synchronized (recentGuard) {
            if (recent == null && !added.isEmpty()) {
                List<String> ids = new ArrayList<>(added.keySet());
                float[] flat = new float[ids.size() * dimension];
                int i = 0;
                for (Item item : added.values()) {
                    System.arraycopy(item.vector(), 0, flat, i++ * dimension, dimension);
                }
                NDManager manager = NDManager.newBaseManager();
                try (NDArray gallery = manager.create(flat, new Shape(ids.size(), dimension))) {
                    recent = new Recent(ids, NearestNeighbours.exact(gallery, config.distance()), manager);
                } catch (RuntimeException e) {
                    manager.close();
                    throw e;
                }
            }
            return recent;
        }
    }

    private void dropRecent() {
        synchronized (recentGuard) {
            if (recent != null) {
                try {
                    recent.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    recent = null;
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("LiveVectorIndex is closed");
        }
    }

    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            checkOpen();
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void write(Runnable body) {
        lock.writeLock().lock();
        try {
            checkOpen();
            body.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
