package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;
import org.quaterion.distance.Distance;

/**
 * Metrics of pairs scored by a model against binary or graded targets, as sentence-transformers' and scikit-learn's
 * evaluators define them: ROC-AUC (ties count one half, sklearn's {@code roc_auc_score}), the best accuracy and the
 * best F1 over all similarity thresholds (predict "similar" when the model similarity is at least the threshold),
 * and Spearman's rank correlation with averaged tie ranks ({@code scipy.stats.spearmanr}). Immutable.
 */
public final class PairScoreMetrics {

    /**
     * The best value over thresholds and the threshold reaching it.
     *
     * @param value the metric at the threshold
     * @param threshold predict similar when {@code similarity >= threshold} (midway between two observed
     *     similarities; ±∞ when everything or nothing is predicted similar)
     */
    public record Best(double value, double threshold) {}

    private final double[] similarity;
    private final double[] target;

    private PairScoreMetrics(double[] similarity, double[] target) {
        this.similarity = similarity;
        this.target = target;
    }

    /**
     * Metrics from model similarities (larger = more similar) and targets.
     *
     * @param similarities one per pair, finite
     * @param targets one per pair: 0/1 for ROC-AUC, accuracy and F1; any grade for Spearman
     * @return the metrics
     */
    public static PairScoreMetrics of(double[] similarities, double[] targets) {
        if (similarities.length != targets.length) {
            throw new IllegalArgumentException("got " + similarities.length + " similarities for " + targets.length
                    + " targets; give one of each per pair");
        }
        if (similarities.length == 0) {
            throw new IllegalArgumentException("no pairs: pair metrics need at least one scored pair");
        }
        for (int i = 0; i < similarities.length; i++) {
            if (!Double.isFinite(similarities[i]) || !Double.isFinite(targets[i])) {
                throw new IllegalArgumentException("pair " + i + " has a non-finite similarity or target ("
                        + similarities[i] + ", " + targets[i] + ")");
            }
        }
        return new PairScoreMetrics(similarities.clone(), targets.clone());
    }

    /**
     * Metrics of embedded pairs: the similarity of row i of {@code a} and row i of {@code b} under a distance
     * ({@link Distance#similarityRowwise}).
     *
     * @param a {@code (n, d)} first items
     * @param b {@code (n, d)} second items
     * @param distance the model's distance
     * @param targets one per pair
     * @return the metrics
     */
    public static PairScoreMetrics of(NDArray a, NDArray b, Distance distance, double[] targets) {
        try (NDScope scope = new NDScope()) {
            double[] sims = distance.similarityRowwise(a.stopGradient(), b.stopGradient())
                    .toType(DataType.FLOAT64, false).toDoubleArray();
            return of(sims, targets);
        }
    }

    private int[] binaryCounts(String metric) {
        int positives = 0;
        for (double t : target) {
            if (t != 0 && t != 1) {
                throw new IllegalArgumentException(metric + " needs binary targets (0 or 1), got " + t
                        + "; use spearman() for graded scores");
            }
            positives += t == 1 ? 1 : 0;
        }
        return new int[] {positives, target.length - positives};
    }

    /**
     * ROC-AUC: the probability that a random similar pair scores above a random dissimilar one, ties counting 1/2.
     *
     * @return the area in [0, 1]
     */
    public double rocAuc() {
        int[] counts = binaryCounts("ROC-AUC");
        if (counts[0] == 0 || counts[1] == 0) {
            throw new IllegalArgumentException("ROC-AUC needs both similar and dissimilar pairs, got " + counts[0]
                    + " similar and " + counts[1] + " dissimilar");
        }
        double[] ranks = new NaturalRanking(TiesStrategy.AVERAGE).rank(similarity);
        double rankSum = 0;
        for (int i = 0; i < ranks.length; i++) {
            rankSum += target[i] == 1 ? ranks[i] : 0;
        }
        double p = counts[0];
        return (rankSum - p * (p + 1) / 2) / (p * counts[1]);
    }

    /**
     * The best accuracy over thresholds.
     *
     * @return accuracy and threshold
     */
    public Best bestAccuracy() {
        return sweep(false, binaryCounts("accuracy")[0]);
    }

    /**
     * The best F1 of the "similar" class over thresholds (F1 = 2TP / (2TP + FP + FN)).
     *
     * @return F1 and threshold
     */
    public Best bestF1() {
        int[] counts = binaryCounts("F1");
        if (counts[0] == 0) {
            throw new IllegalArgumentException("F1 needs at least one similar pair (target 1)");
        }
        return sweep(true, counts[0]);
    }

    /**
     * Sweeps thresholds from above the largest similarity downwards; at each distinct similarity every pair with
     * that similarity turns positive at once.
     */
    private Best sweep(boolean f1, int positives) {
        int n = similarity.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(similarity[y], similarity[x]));
        int tp = 0;
        int fp = 0;
        double best = f1 ? 0 : (double) (n - positives) / n;
        double threshold = Double.POSITIVE_INFINITY;
        int i = 0;
        while (i < n) {
            double value = similarity[order[i]];
            while (i < n && similarity[order[i]] == value) {
                if (target[order[i]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            int fn = positives - tp;
            int tn = n - positives - fp;
            double score = f1 ? 2.0 * tp / (2.0 * tp + fp + fn) : (double) (tp + tn) / n;
            if (score > best) {
                best = score;
                threshold = i < n ? (value + similarity[order[i]]) / 2 : Double.NEGATIVE_INFINITY;
            }
        }
        return new Best(best, threshold);
    }

    /**
     * Spearman's rank correlation between similarities and targets (average ranks for ties).
     *
     * @return the correlation in [-1, 1]
     */
    public double spearman() {
        if (similarity.length < 2 || constant(similarity) || constant(target)) {
            throw new IllegalArgumentException("Spearman correlation is undefined for fewer than two pairs or a "
                    + "constant similarity or target column; give pairs with varying scores");
        }
        return new SpearmansCorrelation().correlation(similarity, target);
    }

    private static boolean constant(double[] v) {
        for (double x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }
}
