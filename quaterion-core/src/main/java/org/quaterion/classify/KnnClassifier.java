package org.quaterion.classify;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.quaterion.distance.Distance;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * k-nearest-neighbour classification on embeddings (scikit-learn's {@code KNeighborsClassifier}, OML's and PML's kNN
 * accuracy): a query takes the label that wins the vote of its k nearest gallery items under an exact search.
 *
 * <ul>
 *   <li>{@link Vote#MAJORITY}: each neighbour counts 1.</li>
 *   <li>{@link Vote#DISTANCE_WEIGHTED}: each counts 1/d (scikit-learn's {@code weights="distance"}); neighbours at
 *       distance 0, if any, are the only voters. Refused for the dot product, whose distances may be negative.</li>
 * </ul>
 *
 * <p>Ties are deterministic: among labels with the same vote, the one whose nearest neighbour ranks first wins.
 * The gallery is prepared once ({@link ExactKnn#prepare}); close the classifier to free it. Predictions are
 * thread-safe; closing waits for those in flight, and a prediction after close throws
 * {@code IllegalStateException("KnnClassifier is closed")}.
 */
public final class KnnClassifier implements AutoCloseable {

    /** How neighbours vote. */
    public enum Vote {
        /** One vote per neighbour. */
        MAJORITY,
        /** A vote of 1/distance per neighbour. */
        DISTANCE_WEIGHTED
    }

    private final CloseGate gate = new CloseGate("KnnClassifier");
    private final ExactKnn knn;
    private final ExactKnn.Prepared gallery;
    private final long[] labels;
    private final int k;
    private final Vote vote;

    private KnnClassifier(ExactKnn knn, ExactKnn.Prepared gallery, long[] labels, int k, Vote vote) {
        this.knn = knn;
        this.gallery = gallery;
        this.labels = labels;
        this.k = k;
        this.vote = vote;
    }

    /**
     * A classifier over a labelled gallery.
     *
     * @param gallery {@code (n, d)} embeddings
     * @param labels one label per gallery row
     * @param distance the distance of the search
     * @param k neighbours per vote, at least 1
     * @param vote how they vote
     * @return the classifier (close it)
     */
    public static KnnClassifier of(NDArray gallery, long[] labels, Distance distance, int k, Vote vote) {
        check(gallery, labels, distance, k, vote);
        ExactKnn knn = new ExactKnn(distance);
        return new KnnClassifier(knn, knn.prepare(gallery), labels.clone(), k, vote);
    }

    private static void check(NDArray gallery, long[] labels, Distance distance, int k, Vote vote) {
        Objects.requireNonNull(vote, "vote");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (gallery.getShape().dimension() != 2 || gallery.getShape().get(0) != labels.length) {
            throw new IllegalArgumentException("need one label per gallery row: gallery " + gallery.getShape() + ", "
                    + labels.length + " labels");
        }
        if (vote == Vote.DISTANCE_WEIGHTED && distance.kind() == Distance.Kind.DOT_PRODUCT) {
            throw new IllegalArgumentException("a distance-weighted vote needs non-negative distances; the dot "
                    + "product's are negative similarities: use Vote.MAJORITY or a cosine / Euclidean distance");
        }
    }

    /**
     * Predicts the label of each query.
     *
     * @param queries {@code (m, d)} embeddings
     * @return one label per query
     */
    public long[] predict(NDArray queries) {
        try (CloseGate.Pass pass = gate.enter()) {
            return vote(knn.search(queries, gallery, Math.min(k, gallery.size()), null), labels, vote);
        }
    }

    /**
     * Predicts the queries' labels and reports against the true ones.
     *
     * @param queries {@code (m, d)} embeddings
     * @param truth their true labels
     * @return the report
     */
    public ClassificationReport evaluate(NDArray queries, long[] truth) {
        return ClassificationReport.of(truth, predict(queries));
    }

    /**
     * Leave-one-out kNN classification of a labelled set: each row is classified by the others.
     *
     * @param embeddings {@code (n, d)}, at least 2 rows
     * @param labels one per row
     * @param distance the distance
     * @param k neighbours per vote
     * @param vote how they vote
     * @return the report
     */
    public static ClassificationReport leaveOneOut(NDArray embeddings, long[] labels, Distance distance, int k,
            Vote vote) {
        check(embeddings, labels, distance, k, vote);
        if (labels.length < 2) {
            throw new IllegalArgumentException("leave-one-out classification needs at least 2 rows");
        }
        long[] self = new long[labels.length];
        Arrays.setAll(self, i -> i);
        KnnResult found = new ExactKnn(distance).search(embeddings, embeddings, Math.min(k, labels.length - 1), self);
        return ClassificationReport.of(labels, vote(found, labels, vote));
    }

    /** The winning label of each query's neighbours. */
    static long[] vote(KnnResult found, long[] labels, Vote vote) {
        long[] out = new long[found.queries()];
        for (int q = 0; q < out.length; q++) {
            long[] idx = found.indices()[q];
            double[] dist = found.distances()[q];
            boolean exact = false;
            for (int r = 0; r < idx.length && idx[r] >= 0; r++) {
                exact |= vote == Vote.DISTANCE_WEIGHTED && dist[r] <= 0;
            }
            Map<Long, Double> score = new HashMap<>();
            Map<Long, Integer> firstRank = new HashMap<>();
            for (int r = 0; r < idx.length && idx[r] >= 0; r++) {
                double w = vote == Vote.MAJORITY ? 1 : exact ? (dist[r] <= 0 ? 1 : 0) : 1 / dist[r];
                long label = labels[(int) idx[r]];
                score.merge(label, w, Double::sum);
                firstRank.putIfAbsent(label, r);
            }
            long best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestRank = Integer.MAX_VALUE;
            for (Map.Entry<Long, Double> e : score.entrySet()) {
                int rank = firstRank.get(e.getKey());
                if (e.getValue() > bestScore || (e.getValue() == bestScore && rank < bestRank)) {
                    best = e.getKey();
                    bestScore = e.getValue();
                    bestRank = rank;
                }
            }
            out[q] = best;
        }
        return out;
    }

    /** Frees the prepared gallery once the predictions in flight have ended; a second close does nothing. */
    @Override
    public void close() {
        gate.close(gallery::close);
    }
}
