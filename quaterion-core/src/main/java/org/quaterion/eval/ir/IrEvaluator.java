package org.quaterion.eval.ir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.quaterion.distance.Distance;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.NearestNeighbours;
import org.quaterion.search.VectorIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sentence-transformers' {@code InformationRetrievalEvaluator}: encodes the queries and the corpus of an
 * {@link IrDataset} in batches, ranks the corpus for every query with quaterion-search ({@link NearestNeighbours}:
 * exact up to a corpus size, Lucene HNSW above) and averages Accuracy@k, Precision@k, Recall@k, MRR@k, NDCG@k and
 * MAP@k over the queries that have a relevant document. Score ties rank in corpus order. Immutable and thread-safe;
 * every array is freed when {@link #evaluate} returns.
 */
public final class IrEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(IrEvaluator.class);

    private final IrDataset data;
    private final Config config;

    /**
     * The evaluator's settings.
     *
     * @param accuracyAt the k of {@code accuracy@k} (1 when any of the top k is relevant)
     * @param precisionRecallAt the k of {@code precision@k} (relevant in the top k / k) and {@code recall@k}
     *     (relevant in the top k / relevant)
     * @param mrrAt the k of {@code mrr@k} (1 / rank of the first relevant document in the top k, else 0)
     * @param ndcgAt the k of {@code ndcg@k} (DCG of the top k / DCG of the ideal top k, with {@code gain})
     * @param mapAt the k of {@code map@k} (sum of the precision at each relevant rank in the top k /
     *     min(k, relevant))
     * @param gain the gain of a grade in NDCG
     * @param batchSize texts per encoder call, at least 1
     * @param search the score (a {@link Distance}: cosine, dot product, …), the corpus size above which HNSW
     *     replaces the exact search, and the HNSW settings
     */
    public record Config(List<Integer> accuracyAt, List<Integer> precisionRecallAt, List<Integer> mrrAt,
            List<Integer> ndcgAt, List<Integer> mapAt, NdcgGain gain, int batchSize, VectorIndex.Config search) {

        /**
         * The corpus size above which {@link #defaults()} searches with HNSW. An evaluation builds its index every
         * time it runs, and building costs far more than exact search for any usual number of queries: for 50,000
         * × 384 documents and 1,000 queries, exact ranking took 7 s and the HNSW build and search 228 s. Exact search
         * grows with queries × documents, the build with documents alone, so HNSW pays off only beyond tens of
         * thousands of queries; lower the threshold for such sets.
         */
        public static final int DEFAULT_HNSW_THRESHOLD = 1_000_000;

        /** Checks the settings and copies the lists. */
        public Config {
            accuracyAt = ks(accuracyAt, "accuracy");
            precisionRecallAt = ks(precisionRecallAt, "precision/recall");
            mrrAt = ks(mrrAt, "MRR");
            ndcgAt = ks(ndcgAt, "NDCG");
            mapAt = ks(mapAt, "MAP");
            if (accuracyAt.isEmpty() && precisionRecallAt.isEmpty() && mrrAt.isEmpty() && ndcgAt.isEmpty()
                    && mapAt.isEmpty()) {
                throw new IllegalArgumentException("the IR evaluator has no metric: give at least one k");
            }
            if (gain == null || search == null) {
                throw new IllegalArgumentException("the IR evaluator needs an NDCG gain and search settings");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("the IR evaluator's batch size must be >= 1, got " + batchSize);
            }
        }

        /**
         * sentence-transformers' defaults: accuracy, precision and recall at 1, 3, 5, 10, MRR@10, NDCG@10,
         * MAP@100; linear (graded) NDCG gain; batches of 32; cosine; exact search up to
         * {@link #DEFAULT_HNSW_THRESHOLD} documents, HNSW ({@link VectorIndex.Config#defaults()}) above.
         *
         * @return the settings
         */
        public static Config defaults() {
            return new Config(List.of(1, 3, 5, 10), List.of(1, 3, 5, 10), List.of(10), List.of(10), List.of(100),
                    NdcgGain.LINEAR, 32, VectorIndex.Config.defaults().withHnswThreshold(DEFAULT_HNSW_THRESHOLD));
        }

        /**
         * Sets the k of {@code accuracy@k}.
         *
         * @param k cut-offs, each at least 1; none turns the metric off
         * @return the new settings
         */
        public Config withAccuracyAt(int... k) {
            return new Config(list(k), precisionRecallAt, mrrAt, ndcgAt, mapAt, gain, batchSize, search);
        }

        /**
         * Sets the k of {@code precision@k} and {@code recall@k}.
         *
         * @param k cut-offs, each at least 1; none turns the metrics off
         * @return the new settings
         */
        public Config withPrecisionRecallAt(int... k) {
            return new Config(accuracyAt, list(k), mrrAt, ndcgAt, mapAt, gain, batchSize, search);
        }

        /**
         * Sets the k of {@code mrr@k}.
         *
         * @param k cut-offs, each at least 1; none turns the metric off
         * @return the new settings
         */
        public Config withMrrAt(int... k) {
            return new Config(accuracyAt, precisionRecallAt, list(k), ndcgAt, mapAt, gain, batchSize, search);
        }

        /**
         * Sets the k of {@code ndcg@k}.
         *
         * @param k cut-offs, each at least 1; none turns the metric off
         * @return the new settings
         */
        public Config withNdcgAt(int... k) {
            return new Config(accuracyAt, precisionRecallAt, mrrAt, list(k), mapAt, gain, batchSize, search);
        }

        /**
         * Sets the k of {@code map@k}.
         *
         * @param k cut-offs, each at least 1; none turns the metric off
         * @return the new settings
         */
        public Config withMapAt(int... k) {
            return new Config(accuracyAt, precisionRecallAt, mrrAt, ndcgAt, list(k), gain, batchSize, search);
        }

        /**
         * Sets the NDCG gain.
         *
         * @param value the gain
         * @return the new settings
         */
        public Config withGain(NdcgGain value) {
            return new Config(accuracyAt, precisionRecallAt, mrrAt, ndcgAt, mapAt, value, batchSize, search);
        }

        /**
         * Sets the texts per encoder call.
         *
         * @param value at least 1
         * @return the new settings
         */
        public Config withBatchSize(int value) {
            return new Config(accuracyAt, precisionRecallAt, mrrAt, ndcgAt, mapAt, gain, value, search);
        }

        /**
         * Sets the score: the distance the corpus is ranked by (smaller = better), such as
         * {@link Distance#cosine()} or {@link Distance#dotProduct()}.
         *
         * @param value the distance
         * @return the new settings
         */
        public Config withDistance(Distance value) {
            return withSearch(search.withDistance(value));
        }

        /**
         * Sets the corpus size above which the corpus is searched with HNSW instead of exactly.
         *
         * @param value documents, at least 0 (0: always HNSW; {@link Integer#MAX_VALUE}: always exact)
         * @return the new settings
         */
        public Config withHnswThreshold(int value) {
            return withSearch(search.withHnswThreshold(value));
        }

        /**
         * Sets every search setting.
         *
         * @param value the distance, the HNSW threshold and the HNSW settings
         * @return the new settings
         */
        public Config withSearch(VectorIndex.Config value) {
            return new Config(accuracyAt, precisionRecallAt, mrrAt, ndcgAt, mapAt, gain, batchSize, value);
        }

        /**
         * The metric names these settings compute, in sentence-transformers' order: accuracy, precision and recall,
         * MRR, NDCG, MAP.
         *
         * @return names such as {@code ndcg@10}
         */
        public List<String> metricNames() {
            return IrMetrics.names(accuracyAt, precisionRecallAt, mrrAt, ndcgAt, mapAt);
        }

        /** The deepest cut-off of any metric. */
        int maxK() {
            return Stream.of(accuracyAt, precisionRecallAt, mrrAt, ndcgAt, mapAt).flatMap(List::stream)
                    .mapToInt(Integer::intValue).max().orElse(1);
        }

        private static List<Integer> list(int[] k) {
            return k == null ? null : IntStream.of(k).boxed().toList();
        }

        private static List<Integer> ks(List<Integer> k, String metric) {
            if (k == null) {
                throw new IllegalArgumentException("the " + metric + " cut-offs must not be null; give an empty list "
                        + "to turn the metric off");
            }
            for (Integer v : k) {
                if (v == null || v < 1) {
                    throw new IllegalArgumentException("the " + metric + " cut-offs must be >= 1, got " + k);
                }
            }
            return List.copyOf(k.stream().distinct().sorted().toList());
        }
    }

    /**
     * An evaluator with {@link Config#defaults()}.
     *
     * @param data the queries, corpus and judgements
     */
    public IrEvaluator(IrDataset data) {
        this(data, Config.defaults());
    }

    /**
     * An evaluator.
     *
     * @param data the queries, corpus and judgements
     * @param config the settings
     */
    public IrEvaluator(IrDataset data, Config config) {
        if (data == null || config == null) {
            throw new IllegalArgumentException("the IR evaluator needs a dataset and settings");
        }
        this.data = data;
        this.config = config;
    }

    /**
     * The evaluation set.
     *
     * @return the set
     */
    public IrDataset data() {
        return data;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public Config config() {
        return config;
    }

    /**
     * Evaluates a text model, encoding queries and documents with {@link IrEncoder#of(SimilarityModel)}; arrays
     * live on the model's device.
     *
     * @param model the model
     * @return the metrics
     */
    public IrResult evaluate(SimilarityModel<String> model) {
        return evaluate(IrEncoder.of(model), model.manager());
    }

    /**
     * Evaluates an encoder.
     *
     * @param encoder encodes queries and documents
     * @param manager the parent of the arrays of the search (its device runs the exact search)
     * @return the metrics
     * @throws UncheckedIOException when the temporary HNSW index cannot be written
     */
    public IrResult evaluate(IrEncoder encoder, NDManager manager) {
        long start = System.nanoTime();
        Ranked ranked = rank(encoder, manager, config.maxK());
        IrResult result = metrics(ranked.rankings(), config, ranked.engine());
        LOG.info("IR evaluation of {} queries over {} documents ({} search) in {} ms: {}", result.queries(),
                result.documents(), ranked.engine(), (System.nanoTime() - start) / 1_000_000, result.metrics());
        return result;
    }

    /** Each query's ranked document indices and the search engine that ranked them. */
    record Ranked(int[][] rankings, String engine) {}

    /**
     * Encodes the queries and the corpus and ranks the {@code k} nearest documents of every query.
     *
     * @throws UncheckedIOException when the temporary HNSW index cannot be written
     */
    Ranked rank(IrEncoder encoder, NDManager manager, int k) {
        try (NDManager arrays = manager.newSubManager()) {
            float[][] queries = encodeQueries(encoder);
            NDArray documents = encodeDocuments(encoder, queries[0].length, arrays);
            try (NearestNeighbours search = NearestNeighbours.build(documents, config.search())) {
                return new Ranked(Rankings.rank(search, queries, k), search.engine());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the IR evaluator could not write its temporary HNSW index: " + e
                    .getMessage() + "; free disk space in java.io.tmpdir or raise the HNSW threshold", e);
        }
    }

    /** The metrics of a configuration over rankings of this evaluator's queries. */
    IrResult metrics(int[][] rankings, Config metricsConfig, String engine) {
        IrMetrics metrics = new IrMetrics(metricsConfig);
        for (int q = 0; q < rankings.length; q++) {
            metrics.add(rankings[q], data.relevantIndices(q));
        }
        return new IrResult(metrics.means(), rankings.length, data.documentIds().size(), data.skippedQueries(),
                engine);
    }

    private float[][] encodeQueries(IrEncoder encoder) {
        List<String> texts = data.queryTexts();
        float[][] out = new float[texts.size()][];
        Progress progress = new Progress("queries", texts.size());
        for (int s = 0; s < texts.size(); s += config.batchSize()) {
            List<String> batch = texts.subList(s, Math.min(texts.size(), s + config.batchSize()));
            float[][] rows = checked(encoder.encodeQueries(batch), batch.size(), s == 0 ? -1 : out[0].length,
                    "queries");
            System.arraycopy(rows, 0, out, s, rows.length);
            progress.done(s + batch.size());
        }
        return out;
    }

    /** The corpus embeddings as one {@code (n, d)} array, built one batch at a time. */
    private NDArray encodeDocuments(IrEncoder encoder, int dimension, NDManager manager) {
        List<String> texts = data.documentTexts();
        Progress progress = new Progress("documents", texts.size());
        try (NDManager parts = manager.newSubManager()) {
            NDList batches = new NDList();
            for (int s = 0; s < texts.size(); s += config.batchSize()) {
                List<String> batch = texts.subList(s, Math.min(texts.size(), s + config.batchSize()));
                float[][] rows = checked(encoder.encodeDocuments(batch), batch.size(), dimension, "documents");
                float[] flat = new float[rows.length * dimension];
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(rows[i], 0, flat, i * dimension, dimension);
                }
                batches.add(parts.create(flat, new Shape(rows.length, dimension)));
                progress.done(s + batch.size());
            }
            NDArray all = batches.size() == 1 ? batches.head().duplicate() : NDArrays.concat(batches, 0);
            all.attach(manager);
            return all;
        }
    }

    /** Checks an encoder's answer: one row per text, every row of the expected width (-1: any, once). */
    private static float[][] checked(float[][] rows, int expected, int dimension, String what) {
        if (rows == null || rows.length != expected) {
            throw new IllegalStateException("the encoder returned " + (rows == null ? "null" : rows.length + " rows")
                    + " for " + expected + " " + what + "; it must return one embedding per text");
        }
        int width = dimension < 0 ? (rows[0] == null ? -1 : rows[0].length) : dimension;
        for (float[] row : rows) {
            if (row == null || row.length != width || width < 1) {
                throw new IllegalStateException("the encoder returned " + what + " embeddings of width "
                        + (row == null ? "null" : row.length) + " where " + width + " was expected; queries and "
                        + "documents must be encoded to one width");
            }
        }
        return rows;
    }

    /** Logs encoding progress at each tenth of the texts (and at the end). */
    private static final class Progress {
        private final String what;
        private final int total;
        private int nextTenth = 1;

        Progress(String what, int total) {
            this.what = what;
            this.total = total;
        }

        void done(int count) {
            LOG.debug("encoded {}/{} {}", count, total, what);
            if (count * 10L >= (long) nextTenth * total) {
                LOG.info("encoded {}/{} {}", count, total, what);
                nextTenth = (int) (count * 10L / total) + 1;
            }
        }
    }
}
