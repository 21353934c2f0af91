package org.quaterion.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
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
import org.quaterion.distance.Distance;
import org.quaterion.models.internal.AtomicDirectory;

/**
 * An approximate nearest-neighbour index (HNSW graph) on Apache Lucene, persisted to a directory: build it from
 * embeddings, open it later, search top-k. Results use gallery row numbers and the distances of {@link Distance}
 * (cosine, dot product or Euclidean; Lucene has no Manhattan graph), so they compare directly with
 * {@link ExactKnn} ({@link #recall}). The directory is written to a temporary sibling and renamed, so a crash
 * never leaves a half-built index in place. Searching is thread-safe; close it when done.
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
     * Opens an index built by {@link #build}.
     *
     * @param dir the index directory
     * @return the open index
     * @throws IOException when reading fails
     */
    public static HnswIndex open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no index at " + dir + ": build one with HnswIndex.build");
        }
        FSDirectory directory = FSDirectory.open(dir);
        DirectoryReader reader;
        try {
            reader = DirectoryReader.open(directory);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw new IllegalArgumentException("the index at " + dir + " cannot be read (" + e.getMessage()
                    + "); rebuild it with HnswIndex.build", e);
        }
        String recorded = reader.getIndexCommit().getUserData().get(DISTANCE_KEY);
        if (recorded == null) {
            reader.close();
            directory.close();
            throw new IllegalArgumentException("the index at " + dir + " was not built by HnswIndex (no distance "
                    + "recorded); rebuild it with HnswIndex.build");
        }
        Distance distance;
        try {
            distance = recorded.startsWith("{")
                    ? Distance.fromConfig(com.google.gson.JsonParser.parseString(recorded).getAsJsonObject())
                    : Distance.byName(recorded); // indexes built before the full config was recorded
        } catch (RuntimeException e) {
            reader.close();
            directory.close();
            throw new IllegalArgumentException("the index at " + dir + " records an unreadable distance '" + recorded
                    + "'; rebuild it with HnswIndex.build", e);
        }
        return new HnswIndex(directory, reader, distance);
    }

    /**
     * Number of indexed rows.
     *
     * @return the count
     */
    public int size() {
        return reader.numDocs();
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
            case SQUARED_EUCLIDEAN, MANHATTAN -> throw new IllegalStateException("not indexed: " + distance);
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
            case SQUARED_EUCLIDEAN, MANHATTAN -> throw new IllegalArgumentException("Lucene's HNSW supports "
                    + "cosine, dot product and Euclidean distances, not " + distance + "; use ExactKnn for it");
        };
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }
}
