package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.quaterion.distance.Distance;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * A searchable catalogue of (id, vector, optional {@link Payload}): exact top-k ({@link ExactKnn}) up to {@link Config#hnswThreshold()} items,
 * Lucene HNSW ({@link HnswIndex}) above, through the {@link NearestNeighbours} engine of that choice. Built from vectors or through a {@link SimilarityModel}, saved atomically
 * to a directory and reopened in another process; queries are thread-safe. Close it to free its native memory and
 * files: closing waits for the searches in flight, and a search after close throws
 * {@code IllegalStateException("VectorIndex is closed")}. Opening verifies the SHA-256 of the ids and vectors
 * recorded when the index was built.
 */
public final class VectorIndex implements AutoCloseable {

    /** The artifact kind written next to the files (a directory of another kind is never replaced). */
    public static final String KIND = "vector-index";

    /**
     * How an index is built and searched.
     *
     * @param distance the distance (smaller = closer); HNSW supports cosine, dot product and Euclidean
     * @param hnswThreshold catalogues larger than this use HNSW; exact search costs a product with every vector per
     *     call, about 7 ms per query at 20,000 × 384 on one core
     * @param hnsw the HNSW graph settings
     * @param candidates HNSW candidates explored per query (more: better recall, slower), at least 1
     * @param quantization how the vectors are held in memory: {@link Quantization#NONE} (float32, exact or HNSW by
     *     size), {@link Quantization#INT8} or {@link Quantization#BINARY} (codes scanned at every size, whatever the
     *     threshold: the HNSW engine is not quantised)
     * @param rescore for a quantised index, the candidates re-ranked by their exact float32 distance per wanted hit
     *     ({@code rescore × k} rows read from disk per query), at least 1; 1 for {@link Quantization#NONE}
     */
    public record Config(Distance distance, int hnswThreshold, HnswIndex.Config hnsw, int candidates,
            Quantization quantization, int rescore) {

        /** Checks the settings, refusing combinations that cannot rank honestly. */
        public Config {
            if (distance == null || hnsw == null || quantization == null) {
                throw new IllegalArgumentException("distance, hnsw settings and quantization are required (use "
                        + "Quantization.NONE for float32 vectors)");
            }
            if (hnswThreshold < 0 || candidates < 1) {
                throw new IllegalArgumentException("hnswThreshold must be >= 0 and candidates >= 1, got "
                        + hnswThreshold + " and " + candidates);
            }
            if (rescore < 1) {
                throw new IllegalArgumentException("rescore must be >= 1 (candidates re-ranked exactly per wanted hit), "
                        + "got " + rescore);
            }
            if (quantization == Quantization.NONE && rescore != 1) {
                throw new IllegalArgumentException("rescore " + rescore + " applies to INT8 and BINARY indexes only: "
                        + "a float32 index ranks by exact distances already; leave rescore at 1");
            }
            if (quantization != Quantization.NONE && InnerProductRanking.of(distance) == null) {
                throw new IllegalArgumentException(quantization + " codes rank by inner products and " + distance
                        + " has none: use cosine, dot product or Euclidean, or Quantization.NONE");
            }
            if (quantization == Quantization.BINARY && (distance.kind() == Distance.Kind.EUCLIDEAN
                    || distance.kind() == Distance.Kind.SQUARED_EUCLIDEAN)) {
                throw new IllegalArgumentException("BINARY codes keep each dimension's sign, not the vectors' lengths, "
                        + "so they cannot rank " + distance + ": use INT8, or normalise the vectors and use cosine");
            }
        }

        /**
         * Float32 settings (no quantisation).
         *
         * @param distance the distance
         * @param hnswThreshold catalogues larger than this use HNSW
         * @param hnsw the HNSW graph settings
         * @param candidates HNSW candidates explored per query
         */
        public Config(Distance distance, int hnswThreshold, HnswIndex.Config hnsw, int candidates) {
            this(distance, hnswThreshold, hnsw, candidates, Quantization.NONE, 1);
        }

        /**
         * Cosine distance, exact up to 20,000 items, HNSW with Lucene's defaults and 100 candidates above, float32.
         *
         * @return the defaults
         */
        public static Config defaults() {
            return new Config(Distance.cosine(), 20_000, HnswIndex.Config.defaults(), 100);
        }

        /**
         * Whether a gallery of this size is searched by HNSW: float32 vectors and more rows than
         * {@link #hnswThreshold()} (a quantised index is always scanned).
         *
         * @param size gallery rows
         * @return true for HNSW
         */
        public boolean usesHnsw(long size) {
            return quantization == Quantization.NONE && size > hnswThreshold;
        }

        /**
         * The same settings with another distance.
         *
         * @param value the distance
         * @return a copy
         */
        public Config withDistance(Distance value) {
            return new Config(value, hnswThreshold, hnsw, candidates, quantization, rescore);
        }

        /**
         * The same settings with another size above which HNSW is used.
         *
         * @param value the threshold (0: always HNSW)
         * @return a copy
         */
        public Config withHnswThreshold(int value) {
            return new Config(distance, value, hnsw, candidates, quantization, rescore);
        }

        /**
         * The same settings with another number of HNSW candidates per query.
         *
         * @param value candidates, at least 1
         * @return a copy
         */
        public Config withCandidates(int value) {
            return new Config(distance, hnswThreshold, hnsw, value, quantization, rescore);
        }

        /**
         * The same settings with vectors held as codes: a search scans the codes for {@code rescore × k} candidates
         * and ranks them by exact float32 distances read from the index files (see {@link Quantization}).
         *
         * @param value INT8, BINARY, or NONE for float32
         * @param rescoreFactor candidates per wanted hit, at least 1 (1 for NONE); docs/benchmarks.md measures the
         *     recall of a few
         * @return a copy
         */
        public Config withQuantization(Quantization value, int rescoreFactor) {
            return new Config(distance, hnswThreshold, hnsw, candidates, value, rescoreFactor);
        }
    }

    /**
     * One search result.
     *
     * @param id the catalogue id
     * @param distance its distance to the query (smaller = closer)
     * @param payload the item's payload, null when it has none
     */
    public record Hit(String id, double distance, Payload payload) {

        /**
         * A result without a payload.
         *
         * @param id the catalogue id
         * @param distance its distance to the query
         */
        public Hit(String id, double distance) {
            this(id, distance, null);
        }
    }

    private final CloseGate gate = new CloseGate("VectorIndex");
    private final Path dir;
    private final List<String> ids;
    private final Map<String, Integer> rows;
    /** One payload or null per row; null when no item has a payload. */
    private final List<Payload> payloads;
    private final int dimension;
    private final NearestNeighbours engine;
    /** The exact engine's gallery manager (closed after the engine); null for HNSW. */
    private final NDManager manager;

    private VectorIndex(Path dir, List<String> ids, List<Payload> payloads, int dimension, NearestNeighbours engine,
            NDManager manager) {
        this.dir = dir;
        this.ids = ids;
        this.payloads = payloads;
        this.dimension = dimension;
        this.engine = engine;
        this.manager = manager;
        this.rows = new HashMap<>(ids.size() * 4 / 3 + 1);
        for (int i = 0; i < ids.size(); i++) {
            rows.put(ids.get(i), i);
        }
    }

    /**
     * Encodes a catalogue with the model and builds its index into {@code dir}, as {@link #build(Path, List,
     * float[][], Config)} does.
     *
     * @param dir the directory to create, or to replace when it is empty or an index written by this class
     * @param model the model that encodes records (and later the queries)
     * @param catalogue id → record, in the order the ids should be stored
     * @param batchSize records per encoding batch
     * @param config how to build and search
     * @param <R> the record type
     * @return the open index
     * @throws IOException when writing fails
     */
    public static <R> VectorIndex build(Path dir, SimilarityModel<R> model, Map<String, R> catalogue, int batchSize,
            Config config) throws IOException {
        if (catalogue == null || catalogue.isEmpty()) {
            throw new IllegalArgumentException("the catalogue is empty: give at least one (id, record)");
        }
        Map<String, R> ordered = new LinkedHashMap<>(catalogue);
        return build(dir, new ArrayList<>(ordered.keySet()), model.encode(new ArrayList<>(ordered.values()), batchSize),
                config);
    }

    /**
     * Builds the index of (ids[i], vectors[i]) into {@code dir}, atomically (a crash leaves the previous index), and
     * opens it.
     *
     * @param dir the directory to create, or to replace when it is empty or an index written by this class; any
     *     other directory is refused, never deleted
     * @param ids unique ids without line breaks, one per vector, at most 65,536 characters each
     * @param vectors {@code [n][d]} finite vectors
     * @param config how to build and search
     * @return the open index
     * @throws IOException when writing fails
     */
    public static VectorIndex build(Path dir, List<String> ids, float[][] vectors, Config config) throws IOException {
        return build(dir, ids, vectors, null, config);
    }

    /**
     * Builds the index of (ids[i], vectors[i], payloads[i]) into {@code dir}, atomically (a crash leaves the previous
     * index), and opens it; hits carry the payloads.
     *
     * @param dir the directory to create, or to replace when it is empty or an index written by this class; any
     *     other directory is refused, never deleted
     * @param ids unique ids without line breaks, one per vector, at most 65,536 characters each
     * @param vectors {@code [n][d]} finite vectors
     * @param payloads one payload or null per id; null when no item has one
     * @param config how to build and search
     * @return the open index
     * @throws IOException when writing fails
     */
    public static VectorIndex build(Path dir, List<String> ids, float[][] vectors, List<Payload> payloads,
            Config config) throws IOException {
        check(ids, vectors);
        if (payloads != null && payloads.size() != ids.size()) {
            throw new IllegalArgumentException(payloads.size() + " payloads for " + ids.size() + " ids: give one "
                    + "payload (or null) per id");
        }
        boolean useHnsw = config.usesHnsw(ids.size());
        Calibration calibration = config.quantization() == Quantization.NONE ? null
                : Calibration.fit(config.quantization(), config.distance(), vectors);
        AtomicDirectory.write(dir, KIND, tmp -> {
            if (useHnsw) {
                HnswIndex.build(tmp.resolve(VectorIndexFiles.HNSW), vectors, config.distance(), config.hnsw()).close();
            }
            VectorIndexFiles.write(tmp, ids, vectors, payloads, useHnsw ? "hnsw" : "exact", config, calibration);
        });
        return open(dir);
    }

    /**
     * Opens an index written by {@link #build}, verifying every file: sizes against the manifest before anything is
     * allocated, the SHA-256 of the ids and of the vectors recorded at build, and (HNSW engine) Lucene's checksum of
     * every index file. This reads the whole index once.
     *
     * @param dir its directory
     * @return the open index
     * @throws IOException when reading fails
     * @throws ModelFormatException when the directory is not an index of this version, with the file and what to do;
     *     a {@link CorruptArtifactException} when a file is damaged or was rewritten
     */
    public static VectorIndex open(Path dir) throws IOException {
        VectorIndexFiles.Manifest m = VectorIndexFiles.readManifest(dir);
        List<String> ids = VectorIndexFiles.readIds(dir, m);
        List<Payload> payloads = m.payloadsSha256() == null ? null
                : PayloadFile.read(dir, m.size(), m.payloadsSha256());
        if ("hnsw".equals(m.engine())) {
            VectorIndexFiles.readVectors(dir, m, false);
            HnswIndex hnsw = HnswIndex.open(dir.resolve(VectorIndexFiles.HNSW));
            try {
                checkHnsw(dir, m, hnsw);
                return new VectorIndex(dir, ids, payloads, m.dimension(), NearestNeighbours.hnsw(hnsw,
                        m.candidates()), null);
            } catch (RuntimeException e) {
                hnsw.close();
                throw e;
            }
        }
        if (m.calibration() != null) {
            return new VectorIndex(dir, ids, payloads, m.dimension(), openQuantized(dir, m), null);
        }
        float[] flat = VectorIndexFiles.readVectors(dir, m, true);
        NDManager manager = NDManager.newBaseManager();
        try {
            NDArray raw = manager.create(flat, new Shape(m.size(), m.dimension()));
            NearestNeighbours exact;
            try {
                exact = NearestNeighbours.exact(raw, m.distance());
            } catch (IllegalArgumentException e) { // non-finite values under a matching checksum
                throw VectorIndexFiles.corrupt(dir.resolve(VectorIndexFiles.VECTORS), e.getMessage());
            }
            raw.close();
            return new VectorIndex(dir, ids, payloads, m.dimension(), exact, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The quantised engine: the codes encoded from {@value VectorIndexFiles#VECTORS} in the pass that verifies its
     * checksum, and the file memory-mapped for re-scoring.
     */
    private static NearestNeighbours openQuantized(Path dir, VectorIndexFiles.Manifest m) throws IOException {
        NDManager codesManager = NDManager.newBaseManager();
        try {
            QuantizedCodes.Builder codes = new QuantizedCodes.Builder(m.calibration(), m.distance(), m.dimension(),
                    codesManager);
            VectorIndexFiles.readVectors(dir, m, codes::add);
            FloatRows rows = FloatRows.map(dir.resolve(VectorIndexFiles.VECTORS), m.size(), m.dimension());
            return new QuantizedNeighbours(m.distance(), codes.build(), rows, m.rescore(), codesManager);
        } catch (IOException | RuntimeException e) {
            codesManager.close();
            throw e;
        }
    }

    /** Checks that the Lucene index holds what the manifest says. */
    private static void checkHnsw(Path dir, VectorIndexFiles.Manifest m, HnswIndex hnsw) {
        Path lucene = dir.resolve(VectorIndexFiles.HNSW);
        if (hnsw.size() != m.size() || hnsw.dimension() != m.dimension() || !hnsw.distance().equals(m.distance())) {
            throw VectorIndexFiles.corrupt(lucene, "holds " + hnsw.size() + " vectors of " + hnsw.dimension()
                    + " dimensions ranked by " + hnsw.distance() + ", " + VectorIndexFiles.MANIFEST + " lists "
                    + m.size() + " of " + m.dimension() + " ranked by " + m.distance());
        }
    }

    /**
     * Number of items.
     *
     * @return the count
     */
    public int size() {
        return ids.size();
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
     * Whether an item has this id.
     *
     * @param id the id
     * @return true when it is in the index
     */
    public boolean contains(String id) {
        return rows.containsKey(id);
    }

    /**
     * The payload stored with an id.
     *
     * @param id the id
     * @return its payload; empty when the id is unknown or has none
     */
    public Optional<Payload> payload(String id) {
        Integer row = rows.get(id);
        return row == null || payloads == null ? Optional.empty() : Optional.ofNullable(payloads.get(row));
    }

    /**
     * The ids, in the order they were stored.
     *
     * @return an unmodifiable list
     */
    public List<String> ids() {
        return ids;
    }

    /**
     * Reads an item's stored vector back from the index files (one row of {@value VectorIndexFiles#VECTORS}).
     *
     * @param id the id
     * @return its values; empty when the id is unknown
     * @throws IOException when reading fails
     */
    public Optional<float[]> vector(String id) throws IOException {
        Integer row = rows.get(id);
        if (row == null) {
            return Optional.empty();
        }
        try (CloseGate.Pass pass = gate.enter()) {
            return Optional.of(VectorIndexFiles.readRow(dir, dimension, row));
        }
    }

    /**
     * The distance of the hits.
     *
     * @return the distance
     */
    public Distance distance() {
        return engine.distance();
    }

    /**
     * How the vectors are held in memory.
     *
     * @return {@link Quantization#NONE} for float32, else the codes
     */
    public Quantization quantization() {
        return engine instanceof QuantizedNeighbours q ? q.quantization() : Quantization.NONE;
    }

    /**
     * Candidates re-ranked exactly per wanted hit.
     *
     * @return the factor of a quantised index; 1 otherwise
     */
    public int rescore() {
        return engine instanceof QuantizedNeighbours q ? q.rescore() : 1;
    }

    /**
     * The native memory the engine holds for the gallery: the float32 gallery (in ranking form) of the exact engine,
     * the codes of a quantised one, 0 for HNSW (Lucene reads its files through the operating system's page cache,
     * as a quantised index reads its candidates' rows).
     *
     * @return bytes
     */
    public long memoryBytes() {
        return engine.memoryBytes();
    }

    /**
     * Which engine answers: {@code "exact"}, {@code "hnsw"}, or for a quantised index the codes it scans,
     * {@code "int8"} or {@code "binary"}.
     *
     * @return the engine
     */
    public String engine() {
        return engine.engine();
    }

    /**
     * The k nearest items of a query vector.
     *
     * @param query {@code d} values
     * @param k results wanted, at least 1 (fewer when the index is smaller)
     * @return hits, nearest first
     */
    public List<Hit> search(float[] query, int k) {
        return search(new float[][] {query}, k).get(0);
    }

    /**
     * The k nearest items whose id passes a filter (e.g. in stock, visible to this user). The search widens until k
     * items pass or every item was looked at.
     *
     * @param query {@code d} values
     * @param k results wanted, at least 1
     * @param filter which ids may be returned
     * @return at most k hits, nearest first
     */
    public List<Hit> search(float[] query, int k, Predicate<String> filter) {
        return searchWhere(query, k, hit -> filter.test(hit.id()));
    }

    /**
     * The k nearest items whose hit (id, distance and payload) passes a filter, e.g. on a field of the JSON payload.
     * The search widens until k items pass or every item was looked at.
     *
     * @param query {@code d} values
     * @param k results wanted, at least 1
     * @param filter which hits may be returned
     * @return at most k hits, nearest first
     */
    public List<Hit> searchWhere(float[] query, int k, Predicate<Hit> filter) {
        int want = k;
        while (true) {
            List<Hit> all = search(query, want);
            List<Hit> kept = new ArrayList<>();
            for (Hit h : all) {
                if (filter.test(h)) {
                    kept.add(h);
                    if (kept.size() == k) {
                        return kept;
                    }
                }
            }
            if (all.size() < want || want >= ids.size()) {
                return kept;
            }
            want = (int) Math.min(ids.size(), 4L * want);
        }
    }

    /**
     * Encodes a query record with the model and searches it.
     *
     * @param model the model the index was built with
     * @param query the record
     * @param k results wanted
     * @param <R> the record type
     * @return hits, nearest first
     */
    public <R> List<Hit> search(SimilarityModel<R> model, R query, int k) {
        return search(model.encode(List.of(query), 1)[0], k);
    }

    /**
     * The k nearest items of each query vector.
     *
     * @param queries {@code [m][d]}
     * @param k results wanted per query, at least 1
     * @return per query, hits nearest first
     */
    public List<List<Hit>> search(float[][] queries, int k) {
        try (CloseGate.Pass pass = gate.enter()) {
            return searchOpen(queries, k);
        }
    }

    private List<List<Hit>> searchOpen(float[][] queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        for (float[] q : queries) {
            if (q == null || q.length != dimension) {
                throw new IllegalArgumentException("a query has " + (q == null ? "no" : q.length)
                        + " dimensions, the index " + dimension + ": encode queries with the index's model");
            }
        }
        KnnResult result = engine.search(queries, k);
        List<List<Hit>> out = new ArrayList<>(queries.length);
        for (int q = 0; q < queries.length; q++) {
            List<Hit> hits = new ArrayList<>();
            long[] idx = result.indices()[q];
            for (int r = 0; r < idx.length; r++) {
                if (idx[r] >= 0) {
                    int row = (int) idx[r];
                    hits.add(new Hit(ids.get(row), result.distances()[q][r], payloads == null ? null
                            : payloads.get(row)));
                }
            }
            out.add(hits);
        }
        return out;
    }

    /**
     * Frees the gallery's native memory and closes the HNSW files once the searches in flight have ended; a second
     * close does nothing.
     *
     * @throws IOException when closing the HNSW files fails
     */
    @Override
    public void close() throws IOException {
        IOException[] failure = new IOException[1];
        gate.close(() -> {
            try {
                engine.close();
            } catch (IOException e) {
                failure[0] = e;
            } finally {
                if (manager != null) {
                    manager.close();
                }
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    static void check(List<String> ids, float[][] vectors) {
        if (ids == null || vectors == null || ids.isEmpty()) {
            throw new IllegalArgumentException("the catalogue is empty: give at least one (id, vector)");
        }
        if (ids.size() != vectors.length) {
            throw new IllegalArgumentException(ids.size() + " ids for " + vectors.length + " vectors: give one id per "
                    + "vector");
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (id == null || id.isEmpty() || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("id '" + id + "' is empty or has a line break: ids are stored one "
                        + "per line");
            }
            if (id.length() > VectorIndexFiles.MAX_ID_CHARS) {
                throw new IllegalArgumentException("an id has " + id.length() + " characters, more than the "
                        + VectorIndexFiles.MAX_ID_CHARS + " an id may have: index a short id and keep the record "
                        + "elsewhere");
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("duplicate id '" + id + "': ids must be unique");
            }
        }
        int d = vectors[0] == null ? 0 : vectors[0].length;
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null || vectors[i].length != d || d == 0) {
                throw new IllegalArgumentException("vector " + i + " (id '" + ids.get(i) + "') has "
                        + (vectors[i] == null ? "no" : vectors[i].length) + " dimensions, vector 0 has " + d);
            }
            for (float v : vectors[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("vector " + i + " (id '" + ids.get(i) + "') holds " + v
                            + ": check the model's output before indexing");
                }
            }
        }
    }
}
