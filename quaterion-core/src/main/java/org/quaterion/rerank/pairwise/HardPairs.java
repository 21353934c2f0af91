package org.quaterion.rerank.pairwise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.quaterion.distance.Distance;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * Labelled pairs of rows of a feature matrix: the training (or held-out) data of the pairwise re-ranker.
 *
 * @param left the first row of each pair
 * @param right the second row of each pair
 * @param target 1 when both rows are of the same class, else 0
 */
public record HardPairs(int[] left, int[] right, float[] target) {

    /** Checks that the three arrays are as long. */
    public HardPairs {
        if (left.length != right.length || left.length != target.length) {
            throw new IllegalArgumentException("left, right and target must be as long; got " + left.length + ", "
                    + right.length + " and " + target.length);
        }
    }

    /**
     * The first stage's hard pairs: each row with each of its {@code k} nearest other rows (leave-one-out search),
     * positive when they share a label. The positives among them are the ones the first stage already ranks well, the
     * negatives the confusions it makes; rows of one class only yield no negatives.
     *
     * @param embeddings the first stage's embeddings {@code (n, d)}
     * @param labels one class per row
     * @param k neighbours per row, at least 1 and below n
     * @param distance the first stage's distance
     * @return {@code n · k} pairs, row by row, nearest first
     */
    public static HardPairs mine(NDArray embeddings, long[] labels, int k, Distance distance) {
        return mine(embeddings, labels, k, 0, distance);
    }

    /**
     * The first stage's hard pairs as {@link #mine(NDArray, long[], int, Distance)}, plus each row's
     * {@code negatives} nearest rows of <em>other</em> classes that are not already among its {@code k} nearest: the
     * hardest negatives. OML's {@code PairsMiner} pairs each anchor with its hardest positive and hardest negative,
     * so its pairs are balanced; a first stage that fits its training classes well has few negatives among its top
     * k, and without these the re-ranker learns that nearly every pair is positive.
     *
     * @param embeddings the first stage's embeddings {@code (n, d)}
     * @param labels one class per row
     * @param k neighbours per row, at least 1 and below n
     * @param negatives nearest other-class rows per row, at least 0
     * @param distance the first stage's distance
     * @return the pairs, row by row: its k nearest, nearest first, then its extra negatives, nearest first
     */
    public static HardPairs mine(NDArray embeddings, long[] labels, int k, int negatives, Distance distance) {
        long n = embeddings.getShape().get(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("one label per embedding row: " + n + " rows, " + labels.length
                    + " labels");
        }
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("mine between 1 and n − 1 = " + (n - 1) + " neighbours per row; got "
                    + k);
        }
        if (negatives < 0) {
            throw new IllegalArgumentException("negatives per row must be at least 0; got " + negatives);
        }
        long[] self = new long[(int) n];
        Arrays.setAll(self, i -> i);
        ExactKnn knn = new ExactKnn(distance);
        KnnResult top = knn.search(embeddings, embeddings, k, self);
        long[][] extra = negatives == 0 ? new long[(int) n][0] : nearestOfOtherClasses(knn, embeddings, labels,
                negatives);
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Set<Long> taken = new HashSet<>();
            for (long j : top.indices()[i]) {
                taken.add(j);
                rows.add(new int[] {i, (int) j});
            }
            for (long j : extra[i]) {
                if (j >= 0 && taken.add(j)) {
                    rows.add(new int[] {i, (int) j});
                }
            }
        }
        int[] left = new int[rows.size()];
        int[] right = new int[left.length];
        float[] target = new float[left.length];
        for (int p = 0; p < left.length; p++) {
            left[p] = rows.get(p)[0];
            right[p] = rows.get(p)[1];
            target[p] = labels[left[p]] == labels[right[p]] ? 1 : 0;
        }
        return new HardPairs(left, right, target);
    }

    /** Each row's m nearest rows of other classes (−1 where there are fewer), one search per class. */
    private static long[][] nearestOfOtherClasses(ExactKnn knn, NDArray embeddings, long[] labels, int m) {
        long[][] out = new long[labels.length][];
        Map<Long, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Long, List<Integer>> e : byClass.entrySet()) {
            long[] members = e.getValue().stream().mapToLong(Integer::longValue).toArray();
            long[] others = new long[labels.length - members.length];
            for (int i = 0, o = 0; i < labels.length; i++) {
                if (labels[i] != e.getKey()) {
                    others[o++] = i;
                }
            }
            if (others.length == 0) {
                for (long r : members) {
                    out[(int) r] = new long[0];
                }
                continue;
            }
            KnnResult near;
            try (NDScope scope = new NDScope()) {
                NDManager manager = embeddings.getManager();
                near = knn.search(embeddings.get(manager.create(members)), embeddings.get(manager.create(others)),
                        Math.min(m, others.length), null);
            }
            for (int q = 0; q < members.length; q++) {
                long[] ids = near.indices()[q];
                long[] rows = new long[ids.length];
                for (int r = 0; r < ids.length; r++) {
                    rows[r] = ids[r] < 0 ? -1 : others[(int) ids[r]];
                }
                out[(int) members[q]] = rows;
            }
        }
        return out;
    }

    /**
     * The number of pairs.
     *
     * @return the count
     */
    public int size() {
        return left.length;
    }

    /**
     * The number of positive pairs.
     *
     * @return the count of targets equal to 1
     */
    public int positives() {
        int p = 0;
        for (float t : target) {
            p += t == 1 ? 1 : 0;
        }
        return p;
    }

    /** Checks that every row index is below {@code rows}. */
    void checkRows(long rows) {
        for (int i = 0; i < left.length; i++) {
            if (left[i] < 0 || left[i] >= rows || right[i] < 0 || right[i] >= rows) {
                throw new IllegalArgumentException("pair " + i + " (" + left[i] + ", " + right[i]
                        + ") names a row outside the " + rows + " feature rows");
            }
        }
    }
}
