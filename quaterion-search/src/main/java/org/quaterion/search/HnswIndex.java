package org.quaterion.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.quaterion.distance.Distance;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * An approximate nearest-neighbour index (HNSW graph) on Apache Lucene, persisted to a directory: build it from
 * embeddings, open it later, search top-k. Results use gallery row numbers and the distances of {@link Distance}
 * (cosine, dot product or Euclidean; Lucene has no Manhattan graph), so they compare directly with
 * {@link ExactKnn} ({@link #recall}). The directory is written to a temporary sibling and renamed, so a crash
 * never leaves a half-built index in place. Searching is thread-safe; close it when done: closing waits for the
 * searches in flight, and a search after close throws {@code IllegalStateException("HnswIndex is closed")}.
 */
public final class HnswIndex implements AutoCloseable {

    /** The artifact kind in an index's marker: {@link #build} replaces only an empty directory or another index. */
    public static final String KIND = "hnsw-index";

    private static final String VECTOR = "vector";
    private static final String ROW = "row";
    private static final String DISTANCE_KEY = "quaterion.distance";
    private static final int DEFAULT_CANDIDATES = 100;

    /**
     * Graph settings.
     *
     * @param maxConnections neighbours per node (Lucene's {@code M}), 2..512
     * @param beamWidth candidates while inserting (Lucene's {@code efConstruction}), 1..3200
     */
    public record Config(int maxConnections, int beamWidth) {

        /** Validates the settings. */
        public Config {
            if (maxConnections < 2 || maxConnections > 512 || beamWidth < 1 || beamWidth > 3200) {
                throw new IllegalArgumentException("HNSW needs maxConnections in [2, 512] and beamWidth in [1, 3200], "
                        + "got " + maxConnections + " and " + beamWidth);
            }
        }

        /**
         * Lucene's defaults (16, 100).
         *
         * @return the settings
         */
        public static Config defaults() {
            return new Config(16, 100);
        }
    }

    private final CloseGate gate = new CloseGate("HnswIndex");
    private final FSDirectory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Distance distance;

    private HnswIndex(FSDirectory directory, DirectoryReader reader, Distance distance) {
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.distance = distance;
    }

    /**
     * Builds an index of the gallery under {@code dir} (replacing what is there) and opens it.
     *
     * @param dir the index directory
     * @param gallery {@code [n][d]} embeddings, n ≥ 1, d ≤ 1024
     * @param distance cosine, dot product or Euclidean
     * @param config graph settings
     * @return the open index
     * @throws IOException when writing fails
     */
    public static HnswIndex build(Path dir, float[][] gallery, Distance distance, Config config) throws IOException {
        VectorSimilarityFunction function = similarity(distance);
        if (gallery.length == 0) {
            throw new IllegalArgumentException("the gallery is empty: give at least one embedding to index");
        }
        int d = gallery[0].length;
        if (d < 1 || d > 1024) {
            throw new IllegalArgumentException("Lucene indexes 1 to 1024 dimensions, got " + d);
        }
        AtomicDirectory.write(dir, KIND, tmp -> {
            IndexWriterConfig iwc = new IndexWriterConfig().setCodec(new Lucene912Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return new Lucene99HnswVectorsFormat(config.maxConnections(), config.beamWidth());
                }
            }).setRAMBufferSizeMB(Math.max(64, 4.0 * gallery.length * (d + 2L * config.maxConnections()) / 1e6));
            try (FSDirectory out = FSDirectory.open(tmp); IndexWriter writer = new IndexWriter(out, iwc)) {
                for (int i = 0; i < gallery.length; i++) {
                    if (gallery[i].length != d) {
                        throw new IllegalArgumentException("row " + i + " has " + gallery[i].length
                                + " dimensions, row 0 has " + d);
                    }
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField(VECTOR, prepare(distance, gallery[i]), function));
                    doc.add(new NumericDocValuesField(ROW, i));
                    writer.addDocument(doc);
                }
                // the full config: a normalised Euclidean index must reopen normalised, not as plain Euclidean
                writer.setLiveCommitData(Map.of(DISTANCE_KEY, distance.config().toString()).entrySet());
                writer.commit();
            }
        });
        return open(dir);
    }

    /**
     * Opens an index built by {@link #build}, verifying Lucene's checksum of every index file before Lucene parses
     * any (one read of the index): a damaged file is found here, not as a wrong answer or an exception in a later
     * search.
     *
     * @param dir the index directory
     * @return the open index
     * @throws IOException when reading fails
     * @throws ModelFormatException when the directory holds no index; a {@link CorruptArtifactException} naming the
     *     directory and Lucene's message (which names the file) when a file is damaged or truncated
     */
    public static HnswIndex open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir, "holds no HNSW index: build one with HnswIndex.build");
        }
        checkRegularFiles(dir);
        FSDirectory directory = FSDirectory.open(dir);
        DirectoryReader reader = null;
        try {
            for (String file : directory.listAll()) {
                // Lucene's files (segments_N, _0.cfs, ...) end in a CRC32 footer; the lock and our marker do not
                if (file.startsWith("segments_") || file.startsWith("_")) {
                    try (IndexInput in = directory.openInput(file, IOContext.READONCE)) {
                        CodecUtil.checksumEntireFile(in);
                    }
                }
            }
            reader = DirectoryReader.open(directory);
            HnswIndex index = new HnswIndex(directory, reader, recordedDistance(dir, reader));
            index.dimension(); // the vector field exists
            return index;
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                reader.close();
            }
            directory.close();
            if (e instanceof ModelFormatException known) {
                throw known;
            }
            throw new CorruptArtifactException(dir, "is not a readable HNSW index (" + e + "); rebuild it with "
                    + "HnswIndex.build", e);
        }
    }

    /** Refuses anything but regular files and directories in an index directory: Lucene would block on a FIFO. */
    private static void checkRegularFiles(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (!Files.isRegularFile(p) && !Files.isDirectory(p)) {
                    throw new CorruptArtifactException(p, "is not a regular file; an HNSW index holds only Lucene's "
                            + "files: rebuild it with HnswIndex.build");
                }
            }
        }
    }

    /** The distance the index was built with, from its commit data. */
    private static Distance recordedDistance(Path dir, DirectoryReader reader) throws IOException {
        String recorded = reader.getIndexCommit().getUserData().get(DISTANCE_KEY);
        if (recorded == null) {
            throw new ModelFormatException(dir, "was not built by HnswIndex (no distance recorded); rebuild it with "
                    + "HnswIndex.build");
        }
        try {
            return recorded.startsWith("{")
                    ? Distance.fromConfig(com.google.gson.JsonParser.parseString(recorded).getAsJsonObject())
                    : Distance.byName(recorded); // indexes built before the full config was recorded
        } catch (RuntimeException e) {
            throw new CorruptArtifactException(dir, "records an unreadable distance '" + recorded + "'; rebuild it "
                    + "with HnswIndex.build", e);
        }
    }

    /**
     * Number of indexed rows.
     *
     * @return the count
     */
    public int size() {
        try (CloseGate.Pass pass = gate.enter()) {
            return reader.numDocs();
        }
    }

    /**
     * Values per indexed vector.
     *
     * @return the dimension
     * @throws IllegalStateException when closed
     */
    int dimension() {
        try (CloseGate.Pass pass = gate.enter()) {
            for (LeafReaderContext leaf : reader.leaves()) {
                FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(VECTOR);
                if (field != null) {
                    return field.getVectorDimension();
                }
            }
            throw new IllegalStateException("the index has no '" + VECTOR + "' vectors");
        }
    }

    /**
     * The distance the index ranks by.
     *
     * @return the distance
     */
    public Distance distance() {
        return distance;
    }

    /**
     * Approximate k nearest rows of each query, exploring {@code max(k, 100)} candidates per query.
     *
     * @param queries {@code [nq][d]}
     * @param k neighbours, at least 1
     * @return gallery rows and distances, nearest first (-1 / +∞ when fewer than k rows exist)
     * @throws IOException when reading fails
     */
    public KnnResult search(float[][] queries, int k) throws IOException {
        return search(queries, k, Math.max(k, DEFAULT_CANDIDATES));
    }

    /**
     * Approximate k nearest rows of each query.
     *
     * @param queries {@code [nq][d]}
     * @param k neighbours, at least 1
     * @param candidates nodes kept while walking the graph (HNSW's {@code ef}), at least k: more is slower and
     *     more exact
     * @return gallery rows and distances, nearest first (-1 / +∞ when fewer than k rows exist)
     * @throws IOException when reading fails
     */
    public KnnResult search(float[][] queries, int k, int candidates) throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (candidates < k) {
            throw new IllegalArgumentException("candidates must be >= k (" + k + "), got " + candidates);
        }
        try (CloseGate.Pass pass = gate.enter()) {
            return searchOpen(queries, k, candidates);
        }
    }

    private KnnResult searchOpen(float[][] queries, int k, int candidates) throws IOException {
        long[][] indices = new long[queries.length][k];
        double[][] distances = new double[queries.length][k];
        List<LeafReaderContext> leaves = reader.leaves();
        for (int q = 0; q < queries.length; q++) {
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, prepare(distance, queries[q]), candidates),
                    k);
            java.util.Arrays.fill(indices[q], -1);
            java.util.Arrays.fill(distances[q], Double.POSITIVE_INFINITY);
            ScoreDoc[] docs = top.scoreDocs;
            for (int r = 0; r < docs.length; r++) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[r].doc, leaves));
                NumericDocValues rows = leaf.reader().getNumericDocValues(ROW);
                rows.advanceExact(docs[r].doc - leaf.docBase);
                indices[q][r] = rows.longValue();
                distances[q][r] = toDistance(docs[r].score);
            }
        }
        return new KnnResult(indices, distances);
    }

    /**
     * Recall@k of approximate results against exact ones: the fraction of exact top-k rows found in the approximate
     * top-k, over all queries.
     *
     * @param approximate results of this index
     * @param exact results of {@link ExactKnn} for the same queries
     * @param k the cut-off
     * @return recall in [0, 1]
     */
    public static double recall(KnnResult approximate, KnnResult exact, int k) {
        if (approximate.queries() != exact.queries()) {
            throw new IllegalArgumentException("the two results have " + approximate.queries() + " and "
                    + exact.queries() + " queries");
        }
        long found = 0;
        long total = 0;
        for (int q = 0; q < exact.queries(); q++) {
            java.util.Set<Long> truth = new java.util.HashSet<>();
            for (int r = 0; r < Math.min(k, exact.k()); r++) {
                if (exact.indices()[q][r] >= 0) {
                    truth.add(exact.indices()[q][r]);
                }
            }
            total += truth.size();
            for (int r = 0; r < Math.min(k, approximate.k()); r++) {
                found += truth.contains(approximate.indices()[q][r]) ? 1 : 0;
            }
        }
        return total == 0 ? Double.NaN : (double) found / total;
    }

    /**
     * The vector Lucene sees: L2-normalised (a copy) for a normalised Euclidean or dot-product distance, so that the
     * index ranks exactly as {@link ExactKnn} with the same distance; as given otherwise (Lucene's cosine normalises
     * by itself). A zero vector stays zero.
     */
    private static float[] prepare(Distance distance, float[] vector) {
        if (!distance.isNormalized() || distance.kind() == Distance.Kind.COSINE) {
            return vector;
        }
        return org.apache.lucene.util.VectorUtil.l2normalize(vector.clone(), false);
    }

    /** Lucene's score (larger = closer) back to our distance. */
    private double toDistance(float score) {
        return switch (distance.kind()) {
            case COSINE -> 2.0 - 2.0 * score;
            // MAXIMUM_INNER_PRODUCT: score = 1 / (1 − dot) for dot < 0, dot + 1 otherwise
            case DOT_PRODUCT -> score < 1 ? -(1 - 1.0 / score) : -(score - 1.0);
            case EUCLIDEAN -> Math.sqrt(Math.max(0, 1.0 / score - 1.0));
            case SQUARED_EUCLIDEAN, MANHATTAN, SNR -> throw new IllegalStateException("not indexed: " + distance);
        };
    }

    private static VectorSimilarityFunction similarity(Distance distance) {
        if (distance.scale() != 1.0) {
            throw new IllegalArgumentException("index an unscaled distance; scaling does not change the ranking");
        }
        return switch (distance.kind()) {
            case COSINE -> VectorSimilarityFunction.COSINE;
            case DOT_PRODUCT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
            case SQUARED_EUCLIDEAN, MANHATTAN, SNR -> throw new IllegalArgumentException("Lucene's HNSW supports "
                    + "cosine, dot product and Euclidean distances, not " + distance + "; use ExactKnn for it");
        };
    }

    /**
     * Closes the index files once the searches in flight have ended; a second close does nothing.
     *
     * @throws IOException when closing the files fails
     */
    @Override
    public void close() throws IOException {
        IOException[] failure = new IOException[1];
        gate.close(() -> {
            try (directory) {
                reader.close();
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }
}
