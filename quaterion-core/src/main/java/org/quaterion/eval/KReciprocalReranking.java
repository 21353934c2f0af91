package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quaterion.distance.Distance;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * k-reciprocal re-ranking (Zhong et al., CVPR 2017), for leave-one-out retrieval (every query is a gallery row): item
 * j is a k-reciprocal neighbour of i when each is among the other's k₁ nearest (self included); the set is expanded
 * with the reciprocal sets of its members (k₁/2) that overlap it by more than 2/3; its members get weights
 * {@code exp(−d)} normalised to sum 1, averaged over the k₂ nearest items (local query expansion); the final distance
 * is {@code (1 − λ)·Jaccard + λ·d}. It re-orders each query's {@code max(k, k₁)} nearest candidates; items further
 * away keep their order behind them. Unlike the reference, which normalises squared Euclidean distances by their
 * column maximum before the weights, the weights use the search's own distances (cosine: 1 − cos).
 *
 * @param k1 reciprocal neighbourhood size, at least 2 (reference: 20)
 * @param k2 local query expansion size, at least 1 (reference: 6)
 * @param lambda weight of the original distance, in [0, 1] (reference: 0.3)
 */
public record KReciprocalReranking(int k1, int k2, double lambda) implements Reranking {

    /** Checks the settings. */
    public KReciprocalReranking {
        if (k1 < 2 || k2 < 1 || k2 > k1 || !(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("k-reciprocal re-ranking needs k1 >= 2, 1 <= k2 <= k1 and lambda in "
                    + "[0, 1], got " + k1 + ", " + k2 + ", " + lambda);
        }
    }

    /**
     * The reference settings: k₁ = 20, k₂ = 6, λ = 0.3.
     *
     * @return them
     */
    public static KReciprocalReranking defaults() {
        return new KReciprocalReranking(20, 6, 0.3);
    }

    @Override
    public KnnResult search(NDArray queries, NDArray gallery, int k, long[] selfIndex, Distance distance) {
        int n = (int) gallery.getShape().get(0);
        if (selfIndex == null || Arrays.stream(selfIndex).anyMatch(s -> s < 0 || s >= n)) {
            throw new IllegalArgumentException("k-reciprocal re-ranking works on leave-one-out retrieval: every query "
                    + "must be a gallery row (give selfIndex)");
        }
        int depth = Math.min(n - 1, Math.max(k, k1));
        // every gallery item's neighbours (self excluded), nearest first: rank 0 is the item itself
        long[] all = new long[n];
        Arrays.setAll(all, i -> i);
        KnnResult neighbours = new ExactKnn(distance).search(gallery, gallery, depth, all);
        int[][] ranked = new int[n][];
        Map<Long, Double>[] dist = distances(neighbours, n);
        for (int i = 0; i < n; i++) {
            int[] r = new int[depth + 1];
            r[0] = i;
            for (int j = 0; j < depth; j++) {
                r[j + 1] = (int) neighbours.indices()[i][j];
            }
            ranked[i] = r;
        }
        Map<Integer, Double>[] v = weights(ranked, dist, n);
        Map<Integer, Double>[] expanded = localExpansion(ranked, v, n);
        int m = selfIndex.length;
        int kk = Math.min(k, n - 1);
        long[][] indices = new long[m][kk];
        double[][] distances = new double[m][kk];
        for (int q = 0; q < m; q++) {
            int i = (int) selfIndex[q];
            List<double[]> scored = new ArrayList<>();
            for (int r = 1; r < ranked[i].length; r++) {
                int j = ranked[i][r];
                double original = dist[i].get((long) j);
                double fin = (1 - lambda) * jaccard(expanded[i], expanded[j]) + lambda * original;
                scored.add(new double[] {fin, r, j});
            }
            scored.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
            for (int r = 0; r < kk; r++) {
                indices[q][r] = (long) scored.get(r)[2];
                distances[q][r] = scored.get(r)[0];
            }
        }
        return new KnnResult(indices, distances);
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, Double>[] distances(KnnResult neighbours, int n) {
        Map<Long, Double>[] d = new Map[n];
        for (int i = 0; i < n; i++) {
            d[i] = new HashMap<>();
            d[i].put((long) i, 0.0);
            for (int r = 0; r < neighbours.k(); r++) {
                d[i].put(neighbours.indices()[i][r], neighbours.distances()[i][r]);
            }
        }
        return d;
    }

    /** The first {@code size + 1} ranked items of i (itself included) that also have i among theirs. */
    private static Set<Integer> reciprocal(int[][] ranked, int i, int size) {
        Set<Integer> out = new LinkedHashSet<>();
        for (int r = 0; r <= size && r < ranked[i].length; r++) {
            int j = ranked[i][r];
            for (int s = 0; s <= size && s < ranked[j].length; s++) {
                if (ranked[j][s] == i) {
                    out.add(j);
                    break;
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Integer, Double>[] weights(int[][] ranked, Map<Long, Double>[] dist, int n) {
        Map<Integer, Double>[] v = new Map[n];
        int half = (int) Math.round(k1 / 2.0);
        for (int i = 0; i < n; i++) {
            Set<Integer> base = reciprocal(ranked, i, k1);
            Set<Integer> expansion = new LinkedHashSet<>(base);
            for (int candidate : base) {
                Set<Integer> theirs = reciprocal(ranked, candidate, half);
                long common = theirs.stream().filter(base::contains).count();
                if (common > 2.0 / 3.0 * theirs.size()) {
                    expansion.addAll(theirs);
                }
            }
            Map<Integer, Double> w = new HashMap<>();
            double total = 0;
            for (int j : expansion) {
                Double d = dist[i].get((long) j);
                if (d == null) {
                    continue; // outside i's searched neighbourhood: no distance to weigh it by
                }
                double e = Math.exp(-d);
                w.put(j, e);
                total += e;
            }
            for (Map.Entry<Integer, Double> e : w.entrySet()) {
                e.setValue(e.getValue() / total);
            }
            v[i] = w;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<Integer, Double>[] localExpansion(int[][] ranked, Map<Integer, Double>[] v, int n) {
        if (k2 == 1) {
            return v;
        }
        Map<Integer, Double>[] out = new Map[n];
        for (int i = 0; i < n; i++) {
            Map<Integer, Double> mean = new HashMap<>();
            int count = Math.min(k2, ranked[i].length);
            for (int r = 0; r < count; r++) {
                v[ranked[i][r]].forEach((j, w) -> mean.merge(j, w / count, Double::sum));
            }
            out[i] = mean;
        }
        return out;
    }

    /** 1 − Σ min(a, b) / Σ max(a, b) over the union of supports. */
    private static double jaccard(Map<Integer, Double> a, Map<Integer, Double> b) {
        double min = 0;
        double max = 0;
        for (Map.Entry<Integer, Double> e : a.entrySet()) {
            double other = b.getOrDefault(e.getKey(), 0.0);
            min += Math.min(e.getValue(), other);
            max += Math.max(e.getValue(), other);
        }
        for (Map.Entry<Integer, Double> e : b.entrySet()) {
            if (!a.containsKey(e.getKey())) {
                max += e.getValue();
            }
        }
        return max == 0 ? 1 : 1 - min / max;
    }
}
