package org.quaterion.eval;

import java.util.function.ToDoubleFunction;
import org.quaterion.distance.Distance;

/**
 * A metric of an embedded evaluation sample (a batch during training, or what an {@link Evaluator}'s sampler
 * drew). Factories give Quaterion's metrics under their names and any metric of {@link RetrievalMetrics},
 * {@link PairRetrievalMetrics}, {@link PairScoreMetrics} or {@link ClusteringMetrics}.
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
