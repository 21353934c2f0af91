package org.quaterion.eval;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.quaterion.models.SimilarityModel;

/**
 * Encodes a dataset once with a model and decides which rows query: the input of every metric of an
 * {@link Evaluator}.
 *
 * @param <S> sample type
 * @param <T> record type
 */
public interface Sampler<S, T> {

    /**
     * Encodes the dataset and draws the query rows.
     *
     * @param dataset the samples, not empty
     * @param model the model (inference mode)
     * @param manager owns the embeddings
     * @return the embedded sample
     */
    EmbeddedSample sample(List<S> dataset, SimilarityModel<T> model, NDManager manager);

    /**
     * {@code size} distinct rows of {@code n} drawn with a seeded partial Fisher-Yates shuffle, or all rows in
     * order when {@code size <= 0} or {@code size >= n}.
     *
     * @param n rows
     * @param size wanted rows
     * @param seed the seed
     * @return row indices
     */
    static long[] drawRows(int n, int size, long seed) {
        int s = size <= 0 || size >= n ? n : size;
        long[] rows = new long[n];
        java.util.Arrays.setAll(rows, i -> i);
        if (s == n) {
            return rows;
        }
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < s; i++) {
            int j = i + random.nextInt(n - i);
            long t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        return java.util.Arrays.copyOf(rows, s);
    }
}
