package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.quaterion.distance.Distance;

/**
 * Verification metrics from the distances of positive pairs (same label) and negative pairs (different labels), as
 * OML's {@code calc_fnmr_at_fmr}: two items are declared a match when their distance is below a threshold T, so
 * {@code FNMR(T)} is the share of positive distances {@code >= T} and {@code FMR(T)} the share of negative distances
 * {@code < T}. {@code FNMR@FMR=f} takes T as the f-quantile of the negative distances (numpy's default linear
 * interpolation). Also the threshold helpers: the threshold of a target FMR and the threshold of the best accuracy.
 * Immutable.
 */
public final class VerificationMetrics {

    private final double[] positive;
    private final double[] negative;

    private VerificationMetrics(double[] positive, double[] negative) {
        this.positive = positive;
        this.negative = negative;
    }

    /**
     * Metrics of given distances.
     *
     * @param positiveDistances distances of relevant pairs, at least one, finite
     * @param negativeDistances distances of irrelevant pairs, at least one, finite
     * @return the metrics
     */
    public static VerificationMetrics of(double[] positiveDistances, double[] negativeDistances) {
        return new VerificationMetrics(sorted(positiveDistances, "positive"), sorted(negativeDistances, "negative"));
    }

    /**
     * Metrics of every (query, gallery) pair of a query/gallery split, as OML's {@code calc_fnmr_at_fmr_rr} on a
     * search over the whole gallery: a row flagged as both query and gallery is never paired with itself.
     *
     * @param distance the distance
     * @param embeddings {@code (n, d)}
     * @param labels one per row
     * @param isQuery one per row
     * @param isGallery one per row
     * @return the metrics
     */
    public static VerificationMetrics queryGallery(Distance distance, NDArray embeddings, long[] labels,
            boolean[] isQuery, boolean[] isGallery) {
        int n = labels.length;
        if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(0) != n || isQuery.length != n
                || isGallery.length != n) {
            throw new IllegalArgumentException("need (n, d) embeddings and one label, isQuery and isGallery flag per "
                    + "row; got " + embeddings.getShape() + ", " + n + ", " + isQuery.length + ", "
                    + isGallery.length);
        }
        return pairs(distance, embeddings, labels, rowsWhere(isQuery), rowsWhere(isGallery));
    }

    /**
     * Metrics of every (query row, row) pair of an evaluation sample, self-pairs left out.
     *
     * @param distance the distance
     * @param embeddings {@code (n, d)}
     * @param labels one per row
     * @param queryRows the rows that query
     * @return the metrics
     */
    static VerificationMetrics ofRows(Distance distance, NDArray embeddings, long[] labels, long[] queryRows) {
        long[] all = new long[labels.length];
        Arrays.setAll(all, i -> i);
        return pairs(distance, embeddings, labels, queryRows, all);
    }

    private static VerificationMetrics pairs(Distance distance, NDArray embeddings, long[] labels, long[] queryRows,
            long[] galleryRows) {
        if (queryRows.length == 0 || galleryRows.length == 0) {
            throw new IllegalArgumentException("verification needs at least one query and one gallery row, got "
                    + queryRows.length + " and " + galleryRows.length);
        }
        try (NDScope scope = new NDScope()) {
            NDManager m = embeddings.getManager();
            NDArray qRows = m.create(queryRows);
            NDArray gRows = m.create(galleryRows);
            NDArray d = distance.matrix(embeddings.get(qRows).stopGradient(), embeddings.get(gRows).stopGradient())
                    .toType(DataType.FLOAT64, false);
            NDArray labelArray = m.create(labels);
            NDArray same = labelArray.get(qRows).expandDims(1).eq(labelArray.get(gRows).expandDims(0));
            NDArray other = qRows.expandDims(1).neq(gRows.expandDims(0));
            NDArray flat = d.flatten();
            double[] pos = flat.booleanMask(same.logicalAnd(other).flatten()).toDoubleArray();
            double[] neg = flat.booleanMask(same.logicalNot().logicalAnd(other).flatten()).toDoubleArray();
            return of(pos, neg);
        }
    }

    /**
     * The distance threshold of a false match rate: the {@code fmr}-quantile of the negative distances with linear
     * interpolation ({@code numpy.quantile}'s default), as OML takes it.
     *
     * @param fmr the false match rate, in [0, 1]
     * @return the threshold
     */
    public double thresholdAtFmr(double fmr) {
        if (!(fmr >= 0 && fmr <= 1)) {
            throw new IllegalArgumentException("fmr must be in [0, 1], got " + fmr);
        }
        double h = (negative.length - 1) * fmr;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, negative.length - 1);
        double t = h - lo;
        double a = negative[lo];
        double diff = negative[hi] - a;
        // numpy's lerp: interpolate from the nearer end (same rounding as numpy.quantile)
        return t >= 0.5 ? negative[hi] - diff * (1 - t) : a + diff * t;
    }

    /**
     * OML's {@code fnmr@fmr}: the false non-match rate at the threshold of {@link #thresholdAtFmr}.
     *
     * @param fmr the false match rate, in [0, 1]
     * @return the share of positive distances at or above the threshold
     */
    public double fnmrAtFmr(double fmr) {
        return fnmrAt(thresholdAtFmr(fmr));
    }

    /**
     * The false non-match rate of a threshold.
     *
     * @param threshold the distance threshold (match when below)
     * @return the share of positive distances {@code >= threshold}
     */
    public double fnmrAt(double threshold) {
        return (double) (positive.length - countBelow(positive, threshold)) / positive.length;
    }

    /**
     * The false match rate of a threshold.
     *
     * @param threshold the distance threshold (match when below)
     * @return the share of negative distances {@code < threshold}
     */
    public double fmrAt(double threshold) {
        return (double) countBelow(negative, threshold) / negative.length;
    }

    /**
     * The threshold with the best verification accuracy (pairs classified right, positives and negatives together):
     * midway between two observed distances, or ±∞ when declaring everything (or nothing) a match is best.
     *
     * @return the accuracy and the distance threshold (match when below)
     */
    public PairScoreMetrics.Best bestAccuracy() {
        double[] similarity = new double[positive.length + negative.length];
        double[] target = new double[similarity.length];
        for (int i = 0; i < positive.length; i++) {
            similarity[i] = -positive[i];
            target[i] = 1;
        }
        for (int i = 0; i < negative.length; i++) {
            similarity[positive.length + i] = -negative[i];
        }
        PairScoreMetrics.Best best = PairScoreMetrics.of(similarity, target).bestAccuracy();
        return new PairScoreMetrics.Best(best.value(), -best.threshold());
    }

    /**
     * The number of positive pairs.
     *
     * @return the count
     */
    public int positives() {
        return positive.length;
    }

    /**
     * The number of negative pairs.
     *
     * @return the count
     */
    public int negatives() {
        return negative.length;
    }

    /** The number of sorted values strictly below {@code x}. */
    private static int countBelow(double[] sortedValues, double x) {
        int lo = 0;
        int hi = sortedValues.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedValues[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double[] sorted(double[] values, String which) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("no " + which + " pairs: FNMR@FMR needs at least one positive and one "
                    + "negative distance (a split where some query shares its label with a gallery item, and some "
                    + "does not)");
        }
        double[] out = values.clone();
        for (double v : out) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("a " + which + " distance is " + v + "; distances must be finite");
            }
        }
        Arrays.sort(out);
        return out;
    }

    private static long[] rowsWhere(boolean[] flags) {
        return java.util.stream.IntStream.range(0, flags.length).filter(i -> flags[i]).asLongStream().toArray();
    }
}
