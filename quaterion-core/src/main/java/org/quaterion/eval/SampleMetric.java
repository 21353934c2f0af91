package org.quaterion.eval;

import java.util.function.ToDoubleFunction;
import org.quaterion.distance.Distance;

/**
 * A metric of an embedded evaluation sample (a batch during training, or what an {@link Evaluator}'s sampler
 * drew). Factories give Quaterion's metrics under their names, any metric of {@link RetrievalMetrics},
 * {@link PairRetrievalMetrics}, {@link PairScoreMetrics} or {@link ClusteringMetrics}, and OML's NDCG@k, FNMR@FMR,
 * PCF and per-category metrics.
 */
@FunctionalInterface
public interface SampleMetric {

    /**
     * Computes the metric.
     *
     * @param sample the sample
     * @return the value
     */
    double compute(EmbeddedSample sample);

    /**
     * Any group retrieval metric, e.g. {@code retrieval(Distance.cosine(), RetrievalMetrics::meanAveragePrecisionAtR)}.
     *
     * @param distance the distance
     * @param metric which value of {@link RetrievalMetrics}
     * @return the metric
     */
    static SampleMetric retrieval(Distance distance, ToDoubleFunction<RetrievalMetrics> metric) {
        return sample -> metric.applyAsDouble(sample.retrieval(distance));
    }

    /**
     * Any group retrieval metric from a search at least {@code depth} deep: for cut-off metrics whose k exceeds every
     * query's number of relevant items, e.g. {@code retrieval(Distance.euclidean(), 5, m -> m.cmcAt(5))}.
     *
     * @param distance the distance
     * @param depth the least search depth (use the largest k the metric reads)
     * @param metric which value of {@link RetrievalMetrics}
     * @return the metric
     */
    static SampleMetric retrieval(Distance distance, int depth, ToDoubleFunction<RetrievalMetrics> metric) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
        return sample -> metric.applyAsDouble(sample.retrieval(distance, depth));
    }

    /**
     * Any group retrieval metric after a re-ranking step, e.g. {@code retrieval(Distance.cosine(), new
     * QueryExpansion(2, 3), RetrievalMetrics::meanAveragePrecisionAtR)} or {@code KReciprocalReranking.defaults()}.
     *
     * @param distance the distance of the first search
     * @param expansion the re-ranking step
     * @param metric which value of {@link RetrievalMetrics}
     * @return the metric
     */
    static SampleMetric retrieval(Distance distance, Reranking expansion,
            ToDoubleFunction<RetrievalMetrics> metric) {
        return sample -> metric.applyAsDouble(sample.retrieval(distance, expansion));
    }

    /**
     * Any Quaterion pair retrieval metric.
     *
     * @param distance the distance
     * @param metric which value of {@link PairRetrievalMetrics}
     * @return the metric
     */
    static SampleMetric pairRetrieval(Distance distance, ToDoubleFunction<PairRetrievalMetrics> metric) {
        return sample -> metric.applyAsDouble(sample.pairRetrieval(distance));
    }

    /**
     * Any pair-score metric, e.g. {@code pairScores(Distance.cosine(), PairScoreMetrics::rocAuc)}.
     *
     * @param distance the distance whose similarity scores the pairs
     * @param metric which value of {@link PairScoreMetrics}
     * @return the metric
     */
    static SampleMetric pairScores(Distance distance, ToDoubleFunction<PairScoreMetrics> metric) {
        return sample -> metric.applyAsDouble(sample.pairScores(distance));
    }

    /**
     * NDCG@k with binary relevance ({@link RetrievalMetrics#ndcgAt}) on a group sample.
     *
     * @param distance the distance
     * @param k the cut-off, at least 1
     * @return the metric
     */
    static SampleMetric ndcg(Distance distance, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return retrieval(distance, k, m -> m.ndcgAt(k));
    }

    /**
     * OML's {@code fnmr@fmr} over the (query row, row) pairs of a group sample ({@link VerificationMetrics}).
     *
     * @param distance the distance
     * @param fmr the false match rate, in [0, 1]
     * @return the metric
     */
    static SampleMetric fnmrAtFmr(Distance distance, double fmr) {
        if (!(fmr >= 0 && fmr <= 1)) {
            throw new IllegalArgumentException("fmr must be in [0, 1], got " + fmr);
        }
        return sample -> sample.verification(distance).fnmrAtFmr(fmr);
    }

    /**
     * OML's {@code pcf}: the fraction of the dimensions needed to explain a share of the sample's variance
     * ({@link PrincipalComponents#pcf}).
     *
     * @param variance the share of variance, in [0, 1]
     * @return the metric
     */
    static SampleMetric pcf(double variance) {
        if (!(variance >= 0 && variance <= 1)) {
            throw new IllegalArgumentException("the explained variance must be in [0, 1], got " + variance);
        }
        return sample -> PrincipalComponents.fit(sample.embeddings()).pcf(variance);
    }

    /**
     * A retrieval metric over the queries of one category, the gallery staying whole (OML's per-category metrics):
     * the sample's query rows whose category matches query; NaN when the sample has none.
     *
     * @param categoryOfRow the category of every row of the evaluation set (a {@link GroupSampler}'s rows are the
     *     dataset's, in order)
     * @param category the category to report
     * @param metric the metric
     * @return the metric
     */
    static SampleMetric inCategory(String[] categoryOfRow, String category, SampleMetric metric) {
        if (categoryOfRow == null || category == null || metric == null) {
            throw new IllegalArgumentException("inCategory needs the rows' categories, a category and a metric");
        }
        String[] categories = categoryOfRow.clone();
        return sample -> {
            if (categories.length != sample.embeddings().getShape().get(0)) {
                throw new IllegalArgumentException("inCategory got " + categories.length + " categories for a "
                        + "sample of " + sample.embeddings().getShape().get(0) + " rows; give one per row");
            }
            long[] rows = java.util.Arrays.stream(sample.queryRows()).filter(r -> category.equals(categories[(int) r]))
                    .toArray();
            return rows.length == 0 ? Double.NaN : metric.compute(sample.withQueryRows(rows));
        };
    }

    /**
     * Quaterion's {@code RetrievalRPrecision} (micro-averaged; groups).
     *
     * @param distance the distance
     * @return the metric
     */
    static SampleMetric retrievalRPrecision(Distance distance) {
        return retrieval(distance, RetrievalMetrics::quaterionRPrecision);
    }

    /**
     * Quaterion's {@code RetrievalPrecision(k)} (pairs).
     *
     * @param k the cut-off, at least 1
     * @param distance the distance
     * @return the metric
     */
    static SampleMetric retrievalPrecision(int k, Distance distance) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return pairRetrieval(distance, m -> m.precisionAt(k));
    }

    /**
     * Quaterion's {@code RetrievalReciprocalRank} (pairs).
     *
     * @param distance the distance
     * @return the metric
     */
    static SampleMetric retrievalReciprocalRank(Distance distance) {
        return pairRetrieval(distance, PairRetrievalMetrics::reciprocalRank);
    }

    /**
     * Leave-one-out k-nearest-neighbour classification accuracy on a group sample (OML / PML's kNN accuracy): each
     * record takes the majority label of its k nearest others (ties: the label of the nearer neighbour).
     *
     * @param distance the distance
     * @param k neighbours per vote, at least 1
     * @return the metric
     */
    static SampleMetric knnAccuracy(Distance distance, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return sample -> org.quaterion.classify.KnnClassifier.leaveOneOut(sample.embeddings(), sample.groups(),
                distance, k, org.quaterion.classify.KnnClassifier.Vote.MAJORITY).accuracy();
    }

    /**
     * PML's {@code NMI}: k-means with k = number of groups, then normalised mutual information with the groups.
     *
     * @param seed k-means seed
     * @return the metric
     */
    static SampleMetric nmi(long seed) {
        return clusteringMetric(seed, ClusteringMetrics::nmi);
    }

    /**
     * PML's {@code AMI}: k-means with k = number of groups, then adjusted mutual information with the groups.
     *
     * @param seed k-means seed
     * @return the metric
     */
    static SampleMetric ami(long seed) {
        return clusteringMetric(seed, ClusteringMetrics::ami);
    }

    /** k-means with k = number of groups, then a score of (groups, clusters). */
    private static SampleMetric clusteringMetric(long seed,
            java.util.function.ToDoubleBiFunction<long[], long[]> score) {
        return sample -> {
            long[] groups = sample.groups();
            return score.applyAsDouble(groups, clustering(groups, seed).assign(sample.embeddings()));
        };
    }

    private static KMeansClustering clustering(long[] groups, long seed) {
        return new KMeansClustering((int) java.util.Arrays.stream(groups).distinct().count(), 300, seed);
    }
}
