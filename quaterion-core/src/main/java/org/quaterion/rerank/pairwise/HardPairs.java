package org.quaterion.rerank.pairwise;

import ai.djl.ndarray.NDArray;
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
        long n = embeddings.getShape().get(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("one label per embedding row: " + n + " rows, " + labels.length
                    + " labels");
        }
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("mine between 1 and n − 1 = " + (n - 1) + " neighbours per row; got "
                    + k);
        }
        long[] self = new long[(int) n];
        for (int i = 0; i < n; i++) {
            self[i] = i;
        }
        KnnResult top = new ExactKnn(distance).search(embeddings, embeddings, k, self);
        int[] left = new int[(int) n * k];
        int[] right = new int[left.length];
        float[] target = new float[left.length];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                int p = i * k + r;
                left[p] = i;
                right[p] = (int) top.indices()[i][r];
                target[p] = labels[i] == labels[right[p]] ? 1 : 0;
            }
        }
        return new HardPairs(left, right, target);
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
