package org.quaterion.rerank.pairwise;

import java.util.Arrays;
import java.util.Comparator;
import org.quaterion.search.KnnResult;

/**
 * OML's rule ({@code PairwiseReranker.process}) for putting re-scored items back into a ranking: the first
 * {@code n} items are sorted by their new distances; the rest keep their order and distances. When the largest new
 * distance exceeds the first kept distance {@code d₀}, the new distances are multiplied by {@code d₀ / max} and
 * lowered by {@code 1000 · ε(float32)}, so the list stays sorted; when {@code d₀ ≤ 0} (dot-product scores, where a
 * scale cannot work) they are shifted down by {@code max − d₀ + 1000 · ε} instead.
 */
final class TopNMerge {

    /** OML's gap between the last re-scored and the first kept distance. */
    static final double EPS = 1e3 * Math.ulp(1.0f);

    private TopNMerge() {}

    /**
     * One query's ranking with its first {@code fresh.length} items re-scored.
     *
     * @param ids the first stage's ranking (−1 entries, if any, at the end)
     * @param distances its distances, ascending
     * @param fresh the new distances of the first {@code fresh.length} ids, lower is better
     * @param out the re-ranked ids are written here
     * @param outDistances and their distances here
     */
    static void merge(long[] ids, double[] distances, double[] fresh, long[] out, double[] outDistances) {
        int n = fresh.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> fresh[i])); // stable: ties keep the first stage's order
        double[] sorted = new double[n];
        for (int r = 0; r < n; r++) {
            out[r] = ids[order[r]];
            sorted[r] = fresh[order[r]];
        }
        if (n > 0 && n < ids.length && ids[n] >= 0 && sorted[n - 1] > distances[n]) {
            double first = distances[n];
            double last = sorted[n - 1];
            for (int r = 0; r < n; r++) {
                sorted[r] = first > 0 ? sorted[r] * (first / last) - EPS : sorted[r] - (last - first) - EPS;
            }
        }
        System.arraycopy(sorted, 0, outDistances, 0, n);
        System.arraycopy(ids, n, out, n, ids.length - n);
        System.arraycopy(distances, n, outDistances, n, ids.length - n);
    }

    /** The number of valid ids (≥ 0) among the first {@code n} of a ranking. */
    static int valid(long[] ids, int n) {
        int v = 0;
        while (v < Math.min(n, ids.length) && ids[v] >= 0) {
            v++;
        }
        return v;
    }

    /** A result with room for the same shape. */
    static KnnResult like(KnnResult first) {
        long[][] ids = new long[first.queries()][];
        double[][] d = new double[first.queries()][];
        for (int q = 0; q < ids.length; q++) {
            ids[q] = new long[first.indices()[q].length];
            d[q] = new double[first.distances()[q].length];
        }
        return new KnnResult(ids, d);
    }
}
