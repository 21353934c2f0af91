package org.quaterion.eval;

import org.quaterion.search.KnnResult;

/**
 * Quaterion's pair retrieval metrics: every row of a pair dataset (2P rows, pairs (i, i + P) or any disjoint pairs)
 * is a query against all other rows; its partner is relevant with the pair's score (1 similar, 0 dissimilar, or a
 * graded score). {@code RetrievalPrecision@k} = mean over all rows of (score if the partner is in the top k) / k;
 * {@code RetrievalReciprocalRank} = mean over rows with a non-zero score of 1 / rank of the partner.
 */
public final class PairRetrievalMetrics {

    private final KnnResult knn;
    private final long[] partner;
    private final double[] score;

    /**
     * Creates the metrics.
     *
     * @param knn neighbours of every row among all rows, self excluded
     * @param partner each row's partner row
     * @param score each row's pair score
     */
    public PairRetrievalMetrics(KnnResult knn, long[] partner, double[] score) {
        if (partner.length != knn.queries() || score.length != knn.queries()) {
            throw new IllegalArgumentException("partner and score need one entry per row (" + knn.queries() + ")");
        }
        this.knn = knn;
        this.partner = partner.clone();
        this.score = score.clone();
    }

    /**
     * Builds partner and score arrays from pairs.
     *
     * @param rows number of rows
     * @param pairs {@code [P][2]} row indices
     * @param scores {@code [P]} scores
     * @param knn neighbours of every row
     * @return the metrics
     */
    public static PairRetrievalMetrics of(int rows, long[][] pairs, double[] scores, KnnResult knn) {
        long[] partner = new long[rows];
        double[] score = new double[rows];
        java.util.Arrays.fill(partner, -1);
        for (int p = 0; p < pairs.length; p++) {
            int a = (int) pairs[p][0];
            int b = (int) pairs[p][1];
            partner[a] = b;
            partner[b] = a;
            score[a] = scores[p];
            score[b] = scores[p];
        }
        return new PairRetrievalMetrics(knn, partner, score);
    }

    private int rankOfPartner(int row, int limit) {
        long[] idx = knn.indices()[row];
        for (int c = 0; c < Math.min(limit, idx.length); c++) {
            if (idx[c] == partner[row]) {
                return c + 1;
            }
        }
        return -1;
    }

    /**
     * Quaterion {@code RetrievalPrecision(k)}.
     *
     * @param k the cut-off, at least 1
     * @return the mean over all rows
     */
    public double precisionAt(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        double sum = 0;
        for (int i = 0; i < partner.length; i++) {
            sum += partner[i] >= 0 && rankOfPartner(i, k) > 0 ? score[i] / k : 0;
        }
        return sum / partner.length;
    }

    /**
     * Quaterion {@code RetrievalReciprocalRank}.
     *
     * @return the mean over rows whose pair score is non-zero
     */
    public double reciprocalRank() {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < partner.length; i++) {
            if (partner[i] < 0 || score[i] == 0) {
                continue;
            }
            int rank = rankOfPartner(i, Integer.MAX_VALUE);
            if (rank < 0) {
                throw new IllegalArgumentException("row " + i + "'s partner is not among its " + knn.k()
                        + " neighbours: search with k = rows − 1 for RetrievalReciprocalRank");
            }
            sum += 1.0 / rank;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
