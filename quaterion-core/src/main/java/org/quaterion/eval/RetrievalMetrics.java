package org.quaterion.eval;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.quaterion.search.KnnResult;

/**
 * Retrieval metrics of grouped data from an exact neighbour list: PML's {@code AccuracyCalculator} family, OML's
 * {@code cmc@k / precision@k / map@k} and Quaterion's micro-averaged {@code RetrievalRPrecision}.
 *
 * <p>A gallery item is relevant to a query when their labels are equal and it is not the query itself;
 * {@code R_i} is the number of relevant items of query i. PML's metrics average over queries with {@code R > 0}
 * (lone labels are left out, as PML does); OML's average over all queries, a query without relevant items scoring 0;
 * Quaterion's R-precision is
 * {@code Σ hits / Σ R}. When no query has a relevant item, every metric is NaN (nothing to measure), never 0 or 1.
 * Definitions per metric are in docs/metrics.md. Immutable.
 */
public final class RetrievalMetrics {

    private final KnnResult knn;
    private final boolean[][] relevant;
    private final int[] relevantCount;
    /** How many gallery items each query could be given (the gallery less its own row). */
    private final int[] candidates;

    private RetrievalMetrics(KnnResult knn, boolean[][] relevant, int[] relevantCount, int[] candidates) {
        this.knn = knn;
        this.relevant = relevant;
        this.relevantCount = relevantCount;
        this.candidates = candidates;
    }

    /**
     * Prepares the metrics of a search.
     *
     * @param knn the neighbour lists
     * @param queryLabels label of each query
     * @param galleryLabels label of each gallery item
     * @param selfIndex each query's own gallery index (excluded from R), or null
     * @return the metrics
     */
    public static RetrievalMetrics of(KnnResult knn, long[] queryLabels, long[] galleryLabels, long[] selfIndex) {
        if (queryLabels.length != knn.queries()) {
            throw new IllegalArgumentException("queryLabels has " + queryLabels.length + " entries for "
                    + knn.queries() + " queries");
        }
        Map<Long, Integer> counts = new HashMap<>();
        for (long l : galleryLabels) {
            counts.merge(l, 1, Integer::sum);
        }
        int n = knn.queries();
        boolean[][] rel = new boolean[n][];
        int[] r = new int[n];
        int[] candidates = new int[n];
        for (int i = 0; i < n; i++) {
            boolean selfInGallery = selfIndex != null && selfIndex[i] >= 0;
            candidates[i] = galleryLabels.length - (selfInGallery ? 1 : 0);
            long[] idx = knn.indices()[i];
            rel[i] = new boolean[idx.length];
            for (int c = 0; c < idx.length; c++) {
                rel[i][c] = idx[c] >= 0 && galleryLabels[(int) idx[c]] == queryLabels[i];
            }
            int count = counts.getOrDefault(queryLabels[i], 0);
            if (selfIndex != null && selfIndex[i] >= 0 && galleryLabels[(int) selfIndex[i]] == queryLabels[i]) {
                count--;
            }
            r[i] = count;
        }
        return new RetrievalMetrics(knn, rel, r, candidates);
    }

    private void requireDepth(String metric) {
        int k = knn.k();
        for (int i = 0; i < relevantCount.length; i++) {
            if (relevantCount[i] > k) {
                throw new IllegalArgumentException(metric + " needs every query's relevant items retrieved: query " + i
                        + " has R = " + relevantCount[i] + " but k = " + k + "; search with k >= the largest class "
                        + "size");
            }
        }
    }

    /**
     * PML {@code precision_at_1}: fraction of queries (with R &gt; 0) whose nearest item is relevant.
     *
     * @return the value, NaN when no query has a relevant item
     */
    public double precisionAt1() {
        return meanOverRelevantQueries(i -> relevant[i].length > 0 && relevant[i][0] ? 1 : 0);
    }

    /**
     * PML {@code r_precision}: mean over queries of (relevant among the top R) / R.
     *
     * @return the value
     */
    public double rPrecision() {
        requireDepth("r_precision");
        return meanOverRelevantQueries(i -> (double) hits(i, relevantCount[i]) / relevantCount[i]);
    }

    /**
     * PML {@code mean_average_precision_at_r}: mean over queries of {@code (1/R) Σ_{i≤R} P(i)·rel(i)}.
     *
     * @return the value
     */
    public double meanAveragePrecisionAtR() {
        requireDepth("mean_average_precision_at_r");
        return meanOverRelevantQueries(i -> averagePrecision(i, relevantCount[i], relevantCount[i]));
    }

    /**
     * PML {@code mean_average_precision}: mean over queries of {@code (1/R) Σ_{i≤k} P(i)·rel(i)} over all retrieved
     * items (standard AP when everything is retrieved).
     *
     * @return the value
     */
    public double meanAveragePrecision() {
        return meanOverRelevantQueries(i -> averagePrecision(i, relevant[i].length, relevantCount[i]));
    }

    /**
     * PML {@code mean_reciprocal_rank}: mean over queries of 1 / rank of the first relevant retrieved item (0 if none
     * within k).
     *
     * @return the value
     */
    public double meanReciprocalRank() {
        return meanOverRelevantQueries(this::reciprocalRank);
    }

    /** 1 / rank of query i's first relevant retrieved item, 0 when none is retrieved. */
    private double reciprocalRank(int i) {
        for (int c = 0; c < relevant[i].length; c++) {
            if (relevant[i][c]) {
                return 1.0 / (c + 1);
            }
        }
        return 0;
    }

    /** The mean of a per-query score over the queries that have a relevant item; NaN when none has one. */
    private double meanOverRelevantQueries(IntToDoubleFunction score) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < relevant.length; i++) {
            if (relevantCount[i] > 0) {
                sum += score.applyAsDouble(i);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * The mean of a per-query score over all queries (a query without relevant items scores what {@code score} gives
     * it); NaN when no query has a relevant item.
     */
    private double meanOverAllQueries(IntToDoubleFunction score) {
        double sum = 0;
        for (int i = 0; i < relevant.length; i++) {
            sum += score.applyAsDouble(i);
        }
        return anyRelevant() ? sum / relevant.length : Double.NaN;
    }

    /**
     * Quaterion {@code RetrievalRPrecision}: the micro-average {@code Σ_i hits_i(top R_i) / Σ_i R_i}.
     *
     * @return the value
     */
    public double quaterionRPrecision() {
        requireDepth("RetrievalRPrecision");
        long hits = 0;
        long total = 0;
        for (int i = 0; i < relevant.length; i++) {
            hits += hits(i, relevantCount[i]);
            total += relevantCount[i];
        }
        return total == 0 ? Double.NaN : (double) hits / total;
    }

    /**
     * OML {@code cmc@k}: fraction of queries with a relevant item among the top k (DML "Recall@k").
     *
     * @param k the cut-off, at least 1
     * @return the value over all queries (0 for a query without relevant items); NaN when no query has one
     */
    public double cmcAt(int k) {
        checkK(k, "cmc@k");
        return meanOverAllQueries(i -> hits(i, k) > 0 ? 1 : 0);
    }

    /**
     * OML {@code precision@k}: {@code n_k / min(k, n)} (an ideal ranking scores 1 even when n &lt; k); a query with no
     * relevant item scores 0, as in {@link #cmcAt} and {@link #mapAt}.
     *
     * @param k the cut-off
     * @return the mean over all queries; NaN when no query has a relevant item (like every metric here)
     */
    public double precisionAt(int k) {
        checkK(k, "precision@k");
        return meanOverAllQueries(i -> {
            int denom = Math.min(Math.min(k, relevant[i].length), relevantCount[i]);
            return denom == 0 ? 0 : (double) hits(i, k) / denom;
        });
    }

    /**
     * NDCG@k with binary relevance: {@code DCG@k / IDCG@k}, {@code DCG@k = Σ_{i≤k} rel(i) / log2(i + 1)} over the
     * ranking and {@code IDCG@k} the same sum for an ideal ranking of the query's {@code R} relevant items
     * ({@code min(k, R)} ones); a query with no relevant item scores 0, as in {@link #cmcAt} and {@link #mapAt}.
     *
     * @param k the cut-off, at least 1 (may exceed the gallery)
     * @return the mean over all queries; NaN when no query has a relevant item
     */
    public double ndcgAt(int k) {
        checkK(k, "ndcg@k");
        return meanOverAllQueries(i -> {
            if (relevantCount[i] == 0) {
                return 0;
            }
            double dcg = 0;
            for (int c = 0; c < Math.min(k, relevant[i].length); c++) {
                dcg += relevant[i][c] ? discount(c) : 0;
            }
            double ideal = 0;
            for (int c = 0; c < Math.min(k, relevantCount[i]); c++) {
                ideal += discount(c);
            }
            return dcg / ideal;
        });
    }

    /** The NDCG discount of 0-based rank c: {@code 1 / log2(c + 2)}. */
    private static double discount(int c) {
        return Math.log(2) / Math.log(c + 2);
    }

    /**
     * The same metrics over a subset of the queries (OML's per-category metrics).
     *
     * @param queries query positions, each in [0, queries)
     * @return the metrics of those queries
     */
    RetrievalMetrics forQueries(int[] queries) {
        long[][] idx = new long[queries.length][];
        double[][] dist = new double[queries.length][];
        boolean[][] rel = new boolean[queries.length][];
        int[] r = new int[queries.length];
        int[] c = new int[queries.length];
        for (int j = 0; j < queries.length; j++) {
            int q = queries[j];
            c[j] = candidates[q];
            idx[j] = knn.indices()[q];
            dist[j] = knn.distances()[q];
            rel[j] = relevant[q];
            r[j] = relevantCount[q];
        }
        return new RetrievalMetrics(new KnnResult(idx, dist), rel, r, c);
    }

    /**
     * The number of queries.
     *
     * @return the count
     */
    public int queries() {
        return relevant.length;
    }

    /** Whether some query has a relevant item: without one, no metric has anything to measure (NaN). */
    private boolean anyRelevant() {
        for (int r : relevantCount) {
            if (r > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * OML {@code map@k}: {@code (1/n_k) Σ_{i≤k} (n_i / i)·g_i}, normalised by the hits found in the top k (0 without
     * hits).
     *
     * @param k the cut-off
     * @return the mean over all queries
     */
    public double mapAt(int k) {
        checkK(k, "map@k");
        return meanOverAllQueries(i -> {
            int found = hits(i, k);
            return found == 0 ? 0 : averagePrecision(i, k, found);
        });
    }

    /**
     * PML's four AccuracyCalculator metrics and OML's at k = 1, 5 (needs k ≥ the largest class size).
     *
     * @return metric name to value
     */
    public Map<String, Double> all() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("precision_at_1", precisionAt1());
        out.put("r_precision", rPrecision());
        out.put("mean_average_precision_at_r", meanAveragePrecisionAtR());
        out.put("mean_average_precision", meanAveragePrecision());
        out.put("mean_reciprocal_rank", meanReciprocalRank());
        for (int k : new int[] {1, 5}) {
            out.put("cmc@" + k, cmcAt(k));
            out.put("precision@" + k, precisionAt(k));
            out.put("map@" + k, mapAt(k));
        }
        return out;
    }

    private int hits(int query, int k) {
        int found = 0;
        for (int c = 0; c < Math.min(k, relevant[query].length); c++) {
            found += relevant[query][c] ? 1 : 0;
        }
        return found;
    }

    private double averagePrecision(int query, int depth, int normaliser) {
        double sum = 0;
        int found = 0;
        for (int c = 0; c < Math.min(depth, relevant[query].length); c++) {
            if (relevant[query][c]) {
                found++;
                sum += (double) found / (c + 1);
            }
        }
        return sum / normaliser;
    }

    /**
     * Refuses a cut-off below 1, and one deeper than the search where the search stopped short of the gallery: the
     * items between its depth and k were never ranked, so counting them as misses would undercount.
     */
    private void checkK(int k, String metric) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        for (int i = 0; i < candidates.length; i++) {
            if (relevant[i].length < Math.min(k, candidates[i])) {
                throw new IllegalArgumentException(metric.replace("k", String.valueOf(k)) + " needs the top " + k
                        + " neighbours of every query, but the search returned " + relevant[i].length + " (query "
                        + i + "); search at least k deep, e.g. SampleMetric.retrieval(distance, " + k
                        + ", metric) or EmbeddedSample.retrieval(distance, " + k + ")");
            }
        }
    }
}
