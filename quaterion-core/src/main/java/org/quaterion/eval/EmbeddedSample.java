package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.distance.Distance;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * Embeddings of an evaluation sample with what makes two rows relevant to each other, and the rows that query.
 * Groups: rows of the same group are relevant; every row is in the gallery and a query never retrieves itself.
 * Pairs: rows {@code pairs[p][0]} and {@code pairs[p][1]} are each other's only relevant item, with the pair's score;
 * in <em>distinguish</em> mode only first items query and the gallery is the second items (Quaterion's
 * {@code PairSampler(distinguish=True)}). Neighbour lists are searched once per distance and shared by every metric.
 * The embeddings stay owned by the caller.
 */
public final class EmbeddedSample {

    private final NDArray embeddings;
    private final long[] groups;
    private final long[][] pairs;
    private final double[] scores;
    private final long[] queryRows;
    private final boolean distinguish;
    private final Map<Distance, KnnResult> searches = new HashMap<>();
    private final Map<List<Object>, KnnResult> rerankedSearches = new HashMap<>();

    private EmbeddedSample(NDArray embeddings, long[] groups, long[][] pairs, double[] scores, long[] queryRows,
            boolean distinguish) {
        this.embeddings = embeddings;
        this.groups = groups;
        this.pairs = pairs;
        this.scores = scores;
        this.queryRows = queryRows;
        this.distinguish = distinguish;
    }

    /**
     * A group sample.
     *
     * @param embeddings {@code (n, d)}
     * @param groups one per row
     * @param queryRows the rows that query (all rows when null)
     * @return the sample
     */
    public static EmbeddedSample ofGroups(NDArray embeddings, long[] groups, long[] queryRows) {
        int n = rows(embeddings);
        if (groups.length != n) {
            throw new IllegalArgumentException("groups has " + groups.length + " entries for " + n
                    + " embeddings; give one group per row");
        }
        return new EmbeddedSample(embeddings, groups.clone(), null, null, checkQueries(queryRows, n), false);
    }

    /**
     * A pair sample.
     *
     * @param embeddings {@code (n, d)}
     * @param pairs {@code [P][2]} rows of each pair; every row in at most one pair
     * @param scores one per pair
     * @param queryRows the rows that query (all rows, or all first items when distinguishing, when null)
     * @param distinguish whether only first items query, against the second items
     * @return the sample
     */
    public static EmbeddedSample ofPairs(NDArray embeddings, long[][] pairs, double[] scores, long[] queryRows,
            boolean distinguish) {
        int n = rows(embeddings);
        if (pairs.length != scores.length || pairs.length == 0) {
            throw new IllegalArgumentException("need one score per pair and at least one pair, got " + pairs.length
                    + " pairs and " + scores.length + " scores");
        }
        boolean[] used = new boolean[n];
        for (long[] p : pairs) {
            for (long r : p) {
                if (r < 0 || r >= n || used[(int) r]) {
                    throw new IllegalArgumentException("pair row " + r + " is out of range [0, " + n
                            + ") or in two pairs; give each row to at most one pair");
                }
                used[(int) r] = true;
            }
        }
        long[] queries = queryRows;
        if (queries == null && distinguish) {
            queries = Arrays.stream(pairs).mapToLong(p -> p[0]).toArray();
        }
        return new EmbeddedSample(embeddings, null, pairs.clone(), scores.clone(), checkQueries(queries, n),
                distinguish);
    }

    /**
     * The same sample on the first {@code d} values of every embedding (Matryoshka levels); searches are recomputed.
     *
     * @param d the prefix size, 1 to the embedding size
     * @return the prefix sample (its embeddings share the original's memory)
     */
    EmbeddedSample prefix(int d) {
        long full = embeddings.getShape().get(1);
        if (d == full) {
            return this;
        }
        return new EmbeddedSample(embeddings.get(new ai.djl.ndarray.index.NDIndex(":, 0:{}", d)), groups, pairs,
                scores, queryRows, distinguish);
    }

    /**
     * The embeddings.
     *
     * @return {@code (n, d)}
     */
    public NDArray embeddings() {
        return embeddings;
    }

    /**
     * Whether this is a group sample.
     *
     * @return true for groups, false for pairs
     */
    public boolean isGroups() {
        return groups != null;
    }

    /**
     * The group of every row.
     *
     * @return a copy, for group samples
     */
    public long[] groups() {
        requireGroups("groups()");
        return groups.clone();
    }

    /**
     * Group retrieval metrics of the query rows against all rows (self excluded).
     *
     * @param distance the distance
     * @return the metrics, with depth enough for every metric
     */
    public RetrievalMetrics retrieval(Distance distance) {
        return retrieval(distance, null);
    }

    /**
     * Group retrieval metrics after a re-ranking step ({@link QueryExpansion}, {@link KReciprocalReranking}).
     *
     * @param distance the distance of the first search
     * @param reranking the re-ranking, or null for the plain search of {@link #retrieval(Distance)}
     * @return the metrics, with depth enough for every metric
     */
    public RetrievalMetrics retrieval(Distance distance, Reranking reranking) {
        return retrieval(distance, reranking, 0);
    }

    /**
     * Group retrieval metrics from a search at least {@code depth} deep, for cut-off metrics whose k exceeds the
     * largest number of relevant items ({@code cmc@k}, {@code ndcg@k}, ...).
     *
     * @param distance the distance
     * @param depth the least number of neighbours per query
     * @return the metrics
     */
    public RetrievalMetrics retrieval(Distance distance, int depth) {
        return retrieval(distance, null, depth);
    }

    private RetrievalMetrics retrieval(Distance distance, Reranking reranking, int minDepth) {
        requireGroups("group retrieval metrics");
        long[] queryLabels = new long[queryRows.length];
        for (int i = 0; i < queryRows.length; i++) {
            queryLabels[i] = groups[(int) queryRows[i]];
        }
        int depth = Math.max(Math.max(1, minDepth),
                RetrievalProtocol.largestRelevantCount(queryLabels, groups, queryRows));
        KnnResult cached = reranking == null ? searches.get(distance) : null;
        if (cached != null && cached.k() < depth) {
            searches.remove(distance);
        }
        KnnResult knn = reranking == null
                ? searches.computeIfAbsent(distance, d -> search(d, null, depth, queryRows))
                : rerankedSearches.computeIfAbsent(List.of(distance, reranking), key -> {
                    try (NDScope scope = new NDScope()) {
                        NDArray q = embeddings.get(embeddings.getManager().create(queryRows));
                        return reranking.search(q, embeddings, depth, queryRows, distance);
                    }
                });
        return RetrievalMetrics.of(knn, queryLabels, groups, queryRows);
    }

    /**
     * Verification metrics (FNMR@FMR, thresholds) of every (query row, row) pair of a group sample, self-pairs left
     * out: same group = positive pair.
     *
     * @param distance the distance
     * @return the metrics
     */
    public VerificationMetrics verification(Distance distance) {
        requireGroups("verification metrics");
        return VerificationMetrics.ofRows(distance, embeddings, groups, queryRows);
    }

    /**
     * The same group sample with fewer query rows (the gallery stays all rows): OML's per-category metrics.
     *
     * @param rows the query rows to keep, a non-empty subset of this sample's
     * @return the sample
     */
    EmbeddedSample withQueryRows(long[] rows) {
        requireGroups("a category's metrics");
        return new EmbeddedSample(embeddings, groups, null, null, checkQueries(rows, rows(embeddings)), false);
    }

    /**
     * The rows that query.
     *
     * @return a copy
     */
    long[] queryRows() {
        return queryRows.clone();
    }

    /**
     * Quaterion's pair retrieval metrics: each query's partner is relevant with the pair's score.
     *
     * @param distance the distance
     * @return the metrics over a full ranking
     */
    public PairRetrievalMetrics pairRetrieval(Distance distance) {
        requirePairs("pair retrieval metrics");
        int n = rows(embeddings);
        long[] partnerRow = new long[n];
        double[] rowScore = new double[n];
        Arrays.fill(partnerRow, -1);
        for (int p = 0; p < pairs.length; p++) {
            partnerRow[(int) pairs[p][0]] = pairs[p][1];
            partnerRow[(int) pairs[p][1]] = pairs[p][0];
            rowScore[(int) pairs[p][0]] = scores[p];
            rowScore[(int) pairs[p][1]] = scores[p];
        }
        long[] gallery = distinguish ? Arrays.stream(pairs).mapToLong(p -> p[1]).toArray() : null;
        long[] galleryPosition = new long[n];
        if (gallery == null) {
            Arrays.setAll(galleryPosition, i -> i);
        } else {
            Arrays.fill(galleryPosition, -1);
            for (int g = 0; g < gallery.length; g++) {
                galleryPosition[(int) gallery[g]] = g;
            }
        }
        long[] partner = new long[queryRows.length];
        double[] score = new double[queryRows.length];
        long[] self = new long[queryRows.length];
        for (int i = 0; i < queryRows.length; i++) {
            int row = (int) queryRows[i];
            partner[i] = partnerRow[row] < 0 ? -1 : galleryPosition[(int) partnerRow[row]];
            score[i] = rowScore[row];
            self[i] = galleryPosition[row];
        }
        int gallerySize = gallery == null ? n : gallery.length;
        KnnResult knn = searches.computeIfAbsent(distance, d -> search(d, gallery, gallerySize, self));
        return new PairRetrievalMetrics(knn, partner, score);
    }

    /**
     * Pair-score metrics (ROC-AUC, best accuracy/F1, Spearman) of every pair's similarity against its score.
     *
     * @param distance the distance whose similarity scores the pairs
     * @return the metrics
     */
    public PairScoreMetrics pairScores(Distance distance) {
        requirePairs("pair score metrics");
        try (NDScope scope = new NDScope()) {
            NDArray a = embeddings.get(embeddings.getManager().create(
                    Arrays.stream(pairs).mapToLong(p -> p[0]).toArray()));
            NDArray b = embeddings.get(embeddings.getManager().create(
                    Arrays.stream(pairs).mapToLong(p -> p[1]).toArray()));
            return PairScoreMetrics.of(a, b, distance, scores);
        }
    }

    private KnnResult search(Distance distance, long[] galleryRows, int depth, long[] self) {
        try (NDScope scope = new NDScope()) {
            NDArray q = embeddings.get(embeddings.getManager().create(queryRows));
            NDArray g = galleryRows == null ? embeddings : embeddings.get(embeddings.getManager().create(galleryRows));
            boolean anySelf = Arrays.stream(self).anyMatch(s -> s >= 0);
            return new ExactKnn(distance).search(q, g, depth, anySelf ? self : null);
        }
    }

    private void requireGroups(String what) {
        if (groups == null) {
            throw new IllegalArgumentException(what + " need a group sample (a GroupSampler or group batches); "
                    + "this sample holds pairs");
        }
    }

    private void requirePairs(String what) {
        if (pairs == null) {
            throw new IllegalArgumentException(what + " need a pair sample (a PairSampler or pair batches); "
                    + "this sample holds groups");
        }
    }

    private static int rows(NDArray embeddings) {
        if (embeddings == null || embeddings.getShape().dimension() != 2 || embeddings.getShape().get(0) == 0) {
            throw new IllegalArgumentException("an evaluation sample needs (n, d) embeddings with n >= 1, got "
                    + (embeddings == null ? null : embeddings.getShape()));
        }
        return (int) embeddings.getShape().get(0);
    }

    private static long[] checkQueries(long[] queryRows, int n) {
        if (queryRows == null) {
            long[] all = new long[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        if (queryRows.length == 0) {
            throw new IllegalArgumentException("there are no query rows; give at least one");
        }
        for (long r : queryRows) {
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException("query row " + r + " is out of range [0, " + n + ")");
            }
        }
        return queryRows.clone();
    }
}
