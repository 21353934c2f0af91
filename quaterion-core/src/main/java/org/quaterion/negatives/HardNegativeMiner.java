package org.quaterion.negatives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.quaterion.cache.RecordHash;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.HnswIndex;
import org.quaterion.search.KnnResult;
import org.quaterion.search.NearestNeighbours;
import org.quaterion.search.VectorIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Corpus-level hard-negative mining for pair data (sentence-transformers' {@code mine_hard_negatives}): each query
 * ({@code objA}) is searched in a corpus (by default every distinct {@code objB}), and a pair keeps up to N corpus
 * records from a rank window as explicit negatives, never the query's own positives (every {@code objB} paired with
 * an equal {@code objA}) nor the query itself, and without likely false negatives: a candidate must score below the
 * pair's positive by an absolute margin ({@code s_neg < s_pos − m}) and/or a relative one ({@code s_neg < r · s_pos}).
 *
 * <p>Records are compared by content ({@link RecordHash}), so duplicates in the data or the corpus are one record.
 * Embeddings come from an {@link Embedder}: a {@link SimilarityModel} (the current encoder and head), or, in a
 * training loop on a frozen encoder, its cached outputs through the current head. The search is the
 * {@link NearestNeighbours} engine that {@link VectorIndex} would choose: exact ({@link ExactKnn}) up to
 * {@link Builder#optHnswAbove} corpus records and approximate ({@link HnswIndex}, built in a temporary directory that
 * is removed afterwards) above. Immutable; build it with {@link #builder()}.
 *
 * <p>With a cross-encoder ({@link #mine(List, List, Embedder, PairScorer, NDManager)}, sentence-transformers'
 * {@code cross_encoder=}), the embeddings only find candidates: the {@code rangeMax} nearest records that are not a
 * positive of the query are re-scored by the cross-encoder against the query, as is each pair's positive; the
 * margins and {@link Builder#optMaxScore}/{@link Builder#optMinScore} then apply to the cross-encoder's scores, the
 * survivors are ordered by that score (highest first), the first {@code rangeMin} of that order are skipped and the
 * N negatives are chosen from the rest. {@link Builder#optTeacherMargins} adds the cross-encoder's margins
 * {@code s(query, positive) − s(query, negative)} to each pair for MarginMSE training of the bi-encoder.
 */
public final class HardNegativeMiner {

    private static final Logger LOG = LoggerFactory.getLogger(HardNegativeMiner.class);

    /** How the N negatives are chosen among the candidates that pass the window and the margins. */
    public enum Sampling {
        /** The N most similar (the hardest). */
        TOP,
        /** N drawn uniformly, seeded (sentence-transformers' "random"). */
        RANDOM
    }

    /** Turns records into embeddings. */
    @FunctionalInterface
    public interface Embedder<T> {
        /**
         * Embeds records.
         *
         * @param records the records, in order
         * @param manager the manager that owns the result
         * @return {@code (records.size(), d)}
         */
        NDArray embed(List<T> records, NDManager manager);

        /**
         * Embeds records in an input role: the miner embeds its queries as {@link Prompts.Role#QUERY} and the corpus
         * and the positives as {@link Prompts.Role#DOCUMENT}, so a model with prompts mines with the prefixes it
         * trains with. By default the role is ignored.
         *
         * @param role the records' role
         * @param records the records, in order
         * @param manager the manager that owns the result
         * @return {@code (records.size(), d)}
         */
        default NDArray embed(Prompts.Role role, List<T> records, NDManager manager) {
            return embed(records, manager);
        }

        /**
         * The embedder of a model: its encoders and head in inference mode, each role with its prompt
         * ({@code encodeToArray(role, …)}).
         *
         * @param model the model
         * @param batchSize records per forward pass
         * @param <T> record type
         * @return the embedder
         */
        static <T> Embedder<T> of(SimilarityModel<T> model, int batchSize) {
            return new Embedder<T>() {
                @Override
                public NDArray embed(List<T> records, NDManager manager) {
                    return model.encodeToArray(records, batchSize, manager);
                }

                @Override
                public NDArray embed(Prompts.Role role, List<T> records, NDManager manager) {
                    return model.encodeToArray(role, records, batchSize, manager);
                }
            };
        }
    }

    /**
     * What a mining pass found (also logged).
     *
     * @param pairs pairs mined for
     * @param queries distinct queries searched
     * @param corpus distinct corpus records
     * @param negatives negatives kept in total
     * @param full pairs that got all N negatives
     * @param droppedByMargin candidates in the window dropped as likely false negatives
     * @param meanPositiveScore mean similarity of the pairs
     * @param meanNegativeScore mean similarity of the kept negatives (NaN when none)
     */
    public record Stats(int pairs, int queries, int corpus, long negatives, int full, long droppedByMargin,
            double meanPositiveScore, double meanNegativeScore) {}

    /**
     * Mined samples and what the pass found.
     *
     * @param samples the input pairs in order, each with its mined negatives (replacing any it had)
     * @param stats the statistics
     * @param <T> record type
     */
    public record Result<T>(List<SimilarityPairSample<T>> samples, Stats stats) {}

    private final int negatives;
    private final int rangeMin;
    private final int rangeMax;
    private final Double absoluteMargin;
    private final Double relativeMargin;
    private final Distance distance;
    private final Sampling sampling;
    private final long seed;
    private final int hnswAbove;
    private final Double maxScore;
    private final Double minScore;
    private final boolean teacherMargins;

    private HardNegativeMiner(Builder b) {
        if (b.negatives < 1) {
            throw new IllegalArgumentException("negatives per pair must be at least 1, got " + b.negatives);
        }
        if (b.rangeMin < 0 || b.rangeMax <= b.rangeMin) {
            throw new IllegalArgumentException("the rank window needs 0 <= rangeMin < rangeMax, got [" + b.rangeMin
                    + ", " + b.rangeMax + ")");
        }
        if (b.rangeMax - b.rangeMin < b.negatives) {
            throw new IllegalArgumentException("the rank window [" + b.rangeMin + ", " + b.rangeMax + ") holds fewer "
                    + "than the " + b.negatives + " negatives asked for; widen it or ask for fewer");
        }
        if (b.absoluteMargin != null && !(b.absoluteMargin >= 0 && Double.isFinite(b.absoluteMargin))) {
            throw new IllegalArgumentException("the absolute margin must be finite and >= 0, got " + b.absoluteMargin);
        }
        if (b.relativeMargin != null && !(b.relativeMargin > 0 && b.relativeMargin <= 1)) {
            throw new IllegalArgumentException("the relative margin is a factor in (0, 1], got " + b.relativeMargin);
        }
        if (b.hnswAbove < 1) {
            throw new IllegalArgumentException("hnswAbove must be at least 1, got " + b.hnswAbove);
        }
        this.negatives = b.negatives;
        this.rangeMin = b.rangeMin;
        this.rangeMax = b.rangeMax;
        this.absoluteMargin = b.absoluteMargin;
        this.relativeMargin = b.relativeMargin;
        this.distance = b.distance;
        this.sampling = b.sampling;
        this.seed = b.seed;
        this.hnswAbove = b.hnswAbove;
        if (b.maxScore != null && !Double.isFinite(b.maxScore) || b.minScore != null && !Double.isFinite(b.minScore)) {
            throw new IllegalArgumentException("maxScore and minScore must be finite, got " + b.maxScore + " and "
                    + b.minScore);
        }
        if (b.maxScore != null && b.minScore != null && b.minScore > b.maxScore) {
            throw new IllegalArgumentException("minScore (" + b.minScore + ") exceeds maxScore (" + b.maxScore
                    + "): no candidate could be kept");
        }
        this.maxScore = b.maxScore;
        this.minScore = b.minScore;
        this.teacherMargins = b.teacherMargins;
    }

    /**
     * A builder with the defaults: 5 negatives from ranks [0, 50), no margin, cosine, top sampling, seed 0, exact
     * search up to 500,000 corpus records.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Mines negatives from the distinct positives of the pairs.
     *
     * @param pairs similar pairs (score &gt; 0)
     * @param embedder embeds queries and corpus records
     * @param manager the manager for the embeddings (freed before returning)
     * @param <T> record type
     * @return the pairs with their negatives
     */
    public <T> Result<T> mine(List<SimilarityPairSample<T>> pairs, Embedder<T> embedder, NDManager manager) {
        return mine(pairs, null, embedder, manager);
    }

    /**
     * Mines negatives from a corpus.
     *
     * @param pairs similar pairs (score &gt; 0)
     * @param corpus the records to mine from (not empty), or null for the distinct positives of the pairs
     * @param embedder embeds queries and corpus records
     * @param manager the manager for the embeddings (freed before returning)
     * @param <T> record type
     * @return the pairs with their negatives
     */
    public <T> Result<T> mine(List<SimilarityPairSample<T>> pairs, List<T> corpus, Embedder<T> embedder,
            NDManager manager) {
        return mine(pairs, corpus, embedder, null, manager);
    }

    /**
     * Mines negatives from a corpus, filtered and ordered by a cross-encoder's scores (see the class comment).
     *
     * @param pairs similar pairs (score &gt; 0)
     * @param corpus the records to mine from (not empty), or null for the distinct positives of the pairs
     * @param embedder embeds queries and corpus records (finds the candidates)
     * @param crossEncoder scores (query, candidate) pairs, one call per distinct query; null to filter by the
     *     embeddings' similarities
     * @param manager the manager for the embeddings (freed before returning)
     * @param <T> record type
     * @return the pairs with their negatives (and teacher margins when {@link Builder#optTeacherMargins} is set)
     * @throws IllegalArgumentException when teacher margins are asked for without a cross-encoder
     * @throws IllegalStateException when the cross-encoder returns a wrong number of scores or a non-finite score
     */
    public <T> Result<T> mine(List<SimilarityPairSample<T>> pairs, List<T> corpus, Embedder<T> embedder,
            PairScorer<T, T> crossEncoder, NDManager manager) {
        if (teacherMargins && crossEncoder == null) {
            throw new IllegalArgumentException("teacher margins come from a cross-encoder's scores: pass one to "
                    + "mine(pairs, corpus, embedder, crossEncoder, manager) or turn optTeacherMargins off");
        }
        if (pairs == null || pairs.isEmpty()) {
            throw new IllegalArgumentException("hard-negative mining needs at least one pair");
        }
        if (corpus != null && corpus.isEmpty()) {
            throw new IllegalArgumentException("the corpus to mine negatives from is empty: give the records to "
                    + "search, or null to mine from the distinct positives of the pairs");
        }
        for (SimilarityPairSample<T> p : pairs) {
            if (!(p.score() > 0)) {
                throw new IllegalArgumentException("hard-negative mining takes similar pairs (score > 0), got score "
                        + p.score() + "; drop the dissimilar pairs first");
            }
        }
        // distinct queries (by content) and each one's positives
        Map<String, Integer> queryIndex = new LinkedHashMap<>();
        List<T> queries = new ArrayList<>();
        Map<String, Set<String>> positives = new HashMap<>();
        String[] pairQuery = new String[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            SimilarityPairSample<T> p = pairs.get(i);
            String q = RecordHash.of(p.objA());
            pairQuery[i] = q;
            if (queryIndex.putIfAbsent(q, queries.size()) == null) {
                queries.add(p.objA());
            }
            positives.computeIfAbsent(q, k -> new HashSet<>()).add(RecordHash.of(p.objB()));
        }
        Map<String, Integer> corpusIndex = new LinkedHashMap<>();
        List<T> items = new ArrayList<>();
        for (T record : corpus != null ? corpus : pairs.stream().map(SimilarityPairSample::objB).toList()) {
            if (record == null) {
                throw new IllegalArgumentException("the corpus must not contain null");
            }
            if (corpusIndex.putIfAbsent(RecordHash.of(record), items.size()) == null) {
                items.add(record);
            }
        }
        String[] corpusHash = corpusIndex.keySet().toArray(new String[0]);
        int maxPositives = positives.values().stream().mapToInt(Set::size).max().orElse(0);
        int depth = Math.min(items.size(), rangeMax + maxPositives + 1);
        LOG.info("mining {} negatives per pair: {} pairs, {} queries, corpus {}, ranks [{}, {})", negatives,
                pairs.size(), queries.size(), items.size(), rangeMin, rangeMax);
        KnnResult found;
        double[] positiveScores;
        try (NDManager work = manager.newSubManager()) {
            NDArray q = embedder.embed(Prompts.Role.QUERY, queries, work);
            NDArray c = embedder.embed(Prompts.Role.DOCUMENT, items, work);
            found = search(q, c, depth);
            positiveScores = positiveScores(pairs, pairQuery, queryIndex, q, corpus == null ? c : null, corpusIndex,
                    embedder, work);
        }
        return select(pairs, pairQuery, queryIndex, positives, items, corpusHash, found.indices(),
                similarities(found.distances(), manager), positiveScores, crossEncoder == null ? null
                        : new CrossEncoderScores<>(crossEncoder, queries, items));
    }

    /**
     * The {@code depth} nearest corpus rows of each query, by the engine the corpus size chooses (exact up to
     * {@code hnswAbove} rows, else a temporary HNSW index exploring {@code max(100, 2·depth)} candidates).
     */
    private KnnResult search(NDArray queries, NDArray corpus, int depth) {
        VectorIndex.Config config = new VectorIndex.Config(distance, hnswAbove, HnswIndex.Config.defaults(),
                Math.max(100, 2 * depth));
        try (NearestNeighbours engine = NearestNeighbours.build(corpus, config)) {
            return engine.search(queries, depth);
        } catch (IOException e) {
            throw new UncheckedIOException("could not build or close the temporary HNSW index for mining", e);
        }
    }

    /** Each pair's similarity s(query, positive), from the corpus embeddings when the positives are the corpus. */
    private <T> double[] positiveScores(List<SimilarityPairSample<T>> pairs, String[] pairQuery,
            Map<String, Integer> queryIndex, NDArray queries, NDArray corpus, Map<String, Integer> corpusIndex,
            Embedder<T> embedder, NDManager work) {
        long[] qi = new long[pairs.size()];
        for (int i = 0; i < qi.length; i++) {
            qi[i] = queryIndex.get(pairQuery[i]);
        }
        NDArray left = queries.get(work.create(qi));
        NDArray right;
        if (corpus != null) {
            long[] ci = new long[pairs.size()];
            for (int i = 0; i < ci.length; i++) {
                ci[i] = corpusIndex.get(RecordHash.of(pairs.get(i).objB()));
            }
            right = corpus.get(work.create(ci));
        } else {
            right = embedder.embed(Prompts.Role.DOCUMENT, pairs.stream().map(SimilarityPairSample::objB).toList(),
                    work);
        }
        return distance.similarityRowwise(left, right).toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private <T> Result<T> select(List<SimilarityPairSample<T>> pairs, String[] pairQuery,
            Map<String, Integer> queryIndex, Map<String, Set<String>> positives, List<T> items, String[] corpusHash,
            long[][] indices, double[][] scores, double[] positiveScores, CrossEncoderScores<T> rescore) {
        List<SimilarityPairSample<T>> out = new ArrayList<>(pairs.size());
        long kept = 0;
        long dropped = 0;
        int full = 0;
        double negativeSum = 0;
        double positiveSum = 0;
        for (int i = 0; i < pairs.size(); i++) {
            int q = queryIndex.get(pairQuery[i]);
            Set<String> own = positives.get(pairQuery[i]);
            long[] idx = indices[q];
            double[] sim = scores[q];
            // the rangeMax nearest candidates that are neither a positive nor the query itself
            List<Integer> ranked = new ArrayList<>();
            for (int j = 0; j < idx.length && ranked.size() < rangeMax; j++) {
                if (idx[j] < 0) {
                    break;
                }
                String h = corpusHash[(int) idx[j]];
                if (!own.contains(h) && !h.equals(pairQuery[i])) {
                    ranked.add(j);
                }
            }
            double[] judged; // the score each filter reads, per position j of the search result
            double positive;
            List<Integer> order;
            if (rescore == null) {
                judged = sim;
                positive = positiveScores[i];
                order = ranked.subList(Math.min(rangeMin, ranked.size()), ranked.size());
            } else {
                judged = rescore.candidates(q, idx, ranked);
                positive = rescore.positive(q, pairs.get(i).objB());
                order = ranked;
            }
            double limit = limit(positive);
            List<Integer> window = new ArrayList<>();
            for (int j : order) {
                if (judged[j] < limit && (maxScore == null || judged[j] <= maxScore)
                        && (minScore == null || judged[j] >= minScore)) {
                    window.add(j);
                } else {
                    dropped++;
                }
            }
            if (rescore != null) {
                // sentence-transformers' order: highest cross-encoder score first, then skip rangeMin of them
                window.sort((a, b) -> Double.compare(judged[b], judged[a]));
                window = window.subList(Math.min(rangeMin, window.size()), window.size());
            }
            List<Integer> chosen = choose(window, i, rescore != null ? judged : null);
            List<T> negs = new ArrayList<>(chosen.size());
            double[] margins = new double[chosen.size()];
            for (int n = 0; n < chosen.size(); n++) {
                int j = chosen.get(n);
                negs.add(items.get((int) idx[j]));
                negativeSum += sim[j];
                margins[n] = positive - judged[j];
            }
            kept += negs.size();
            full += negs.size() == negatives ? 1 : 0;
            positiveSum += positiveScores[i];
            out.add(teacherMargins && !negs.isEmpty() ? pairs.get(i).withTeacherMargins(negs, margins)
                    : pairs.get(i).withNegatives(negs));
        }
        Stats stats = new Stats(pairs.size(), queryIndex.size(), items.size(), kept, full, dropped,
                positiveSum / pairs.size(), kept == 0 ? Double.NaN : negativeSum / kept);
        LOG.info("mined {} negatives ({} of {} pairs full); {} candidates dropped as likely false negatives{}; mean "
                + "similarity: positives {}, negatives {}", kept, full, pairs.size(), dropped,
                rescore == null ? "" : " by the cross-encoder's scores",
                String.format("%.4f", stats.meanPositiveScore()), String.format("%.4f", stats.meanNegativeScore()));
        return new Result<>(out, stats);
    }

    /** The similarity a negative must stay below (exclusive), given the pair's positive similarity. */
    private double limit(double positive) {
        double limit = Double.POSITIVE_INFINITY;
        if (absoluteMargin != null) {
            limit = Math.min(limit, positive - absoluteMargin);
        }
        if (relativeMargin != null) {
            limit = Math.min(limit, relativeMargin * positive);
        }
        return limit;
    }

    /** The search's distances as similarities, in one array operation. */
    private double[][] similarities(double[][] distances, NDManager manager) {
        double[][] out = new double[distances.length][];
        try (NDManager m = manager.newSubManager()) {
            for (int i = 0; i < distances.length; i++) {
                out[i] = distances[i].length == 0 ? new double[0]
                        : distance.toSimilarity(m.create(distances[i])).toDoubleArray();
            }
        }
        return out;
    }

    /** N positions of the window: its first N (TOP) or N drawn at random, kept in the window's order. */
    private List<Integer> choose(List<Integer> window, int pair, double[] rescored) {
        if (window.size() <= negatives || sampling == Sampling.TOP) {
            return window.subList(0, Math.min(negatives, window.size()));
        }
        List<Integer> shuffled = new ArrayList<>(window);
        java.util.Collections.shuffle(shuffled, new Random(seed * 1_000_003L + pair));
        List<Integer> picked = new ArrayList<>(shuffled.subList(0, negatives));
        if (rescored == null) {
            picked.sort(null); // nearest first, as TOP
        } else {
            picked.sort((a, b) -> Double.compare(rescored[b], rescored[a])); // highest score first, as TOP
        }
        return picked;
    }

    /**
     * The settings, for logs and training records.
     *
     * @return e.g. {@code HardNegativeMiner{negatives=5, ranks=[0, 50), ...}}
     */
    @Override
    public String toString() {
        return "HardNegativeMiner{negatives=" + negatives + ", ranks=[" + rangeMin + ", " + rangeMax + "), "
                + "absoluteMargin=" + absoluteMargin + ", relativeMargin=" + relativeMargin + ", distance="
                + distance.config() + ", sampling=" + sampling + ", seed=" + seed + ", hnswAbove=" + hnswAbove
                + ", maxScore=" + maxScore + ", minScore=" + minScore + ", teacherMargins=" + teacherMargins + "}";
    }

    /** Builds a {@link HardNegativeMiner}; every setting is named and has a default. */
    public static final class Builder {
        private int negatives = 5;
        private int rangeMin = 0;
        private int rangeMax = 50;
        private Double absoluteMargin;
        private Double relativeMargin;
        private Distance distance = Distance.cosine();
        private Sampling sampling = Sampling.TOP;
        private long seed = 0;
        private int hnswAbove = 500_000;
        private Double maxScore;
        private Double minScore;
        private boolean teacherMargins;

        private Builder() {}

        /**
         * Keeps a candidate only when its score is at most {@code max} (sentence-transformers' {@code max_score}:
         * skips candidates too similar to the query to be true negatives; default none). The score is the
         * cross-encoder's when mining with one, else the embeddings' similarity.
         *
         * @param max the largest score kept, finite
         * @return this builder
         */
        public Builder optMaxScore(double max) {
            this.maxScore = max;
            return this;
        }

        /**
         * Keeps a candidate only when its score is at least {@code min} (sentence-transformers' {@code min_score}:
         * skips candidates too easy to teach anything; default none). The score is the cross-encoder's when mining
         * with one, else the embeddings' similarity.
         *
         * @param min the smallest score kept, finite
         * @return this builder
         */
        public Builder optMinScore(double min) {
            this.minScore = min;
            return this;
        }

        /**
         * Whether each mined pair carries the cross-encoder's margins {@code s(query, positive) − s(query,
         * negative)}, one per negative ({@link SimilarityPairSample#withTeacherMargins}, for {@code MarginMseLoss};
         * sentence-transformers' {@code output_format="n-tuple-scores"}; default false). Needs a cross-encoder.
         *
         * @param on true to add them
         * @return this builder
         */
        public Builder optTeacherMargins(boolean on) {
            this.teacherMargins = on;
            return this;
        }

        /**
         * Negatives kept per pair (default 5).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder optNegatives(int n) {
            this.negatives = n;
            return this;
        }

        /**
         * The rank window, counted after the query's positives and the query itself are removed (default [0, 50)):
         * skip the {@code min} nearest (often unlabelled positives) and look no deeper than {@code max}.
         *
         * @param min first rank kept (0 = the nearest)
         * @param max rank after the last one kept
         * @return this builder
         */
        public Builder optRankRange(int min, int max) {
            this.rangeMin = min;
            this.rangeMax = max;
            return this;
        }

        /**
         * Keeps a candidate only when its similarity is below the positive's minus {@code m} (sentence-transformers'
         * {@code margin}; default none).
         *
         * @param m the margin, &gt;= 0
         * @return this builder
         */
        public Builder optAbsoluteMargin(double m) {
            this.absoluteMargin = m;
            return this;
        }

        /**
         * Keeps a candidate only when its similarity is below {@code r} times the positive's (for r = 0.95: at
         * most 95% of it; sentence-transformers' {@code relative_margin} 0.05; default none).
         *
         * @param r the factor, in (0, 1]
         * @return this builder
         */
        public Builder optRelativeMargin(double r) {
            this.relativeMargin = r;
            return this;
        }

        /**
         * The distance of the search and the scores (default cosine; use the loss's).
         *
         * @param distance the distance
         * @return this builder
         */
        public Builder optDistance(Distance distance) {
            this.distance = java.util.Objects.requireNonNull(distance, "distance");
            return this;
        }

        /**
         * How negatives are chosen in the window (default {@link Sampling#TOP}).
         *
         * @param sampling the strategy
         * @param seed the seed of {@link Sampling#RANDOM}
         * @return this builder
         */
        public Builder optSampling(Sampling sampling, long seed) {
            this.sampling = java.util.Objects.requireNonNull(sampling, "sampling");
            this.seed = seed;
            return this;
        }

        /**
         * Corpus size above which the search is approximate (Lucene HNSW) instead of exact (default 500,000).
         *
         * @param size the threshold
         * @return this builder
         */
        public Builder optHnswAbove(int size) {
            this.hnswAbove = size;
            return this;
        }

        /**
         * Builds the miner.
         *
         * @return the miner
         * @throws IllegalArgumentException on an inconsistent setting
         */
        public HardNegativeMiner build() {
            return new HardNegativeMiner(this);
        }
    }
}
