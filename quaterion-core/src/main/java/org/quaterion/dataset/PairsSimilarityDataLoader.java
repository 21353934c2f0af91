package org.quaterion.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Batches of pair samples for a {@code PairwiseLoss}, in Quaterion's layout ({@link PairBatch}): n pairs become 2n
 * records {@code [a…, b…]}, {@code pairs[i] = (i, i + n)}, scores and doubled subgroups.
 *
 * @param <T> record type
 */
public final class PairsSimilarityDataLoader<T> extends SimilarityDataLoader<SimilarityPairSample<T>, PairBatch<T>> {

    /**
     * Creates the loader.
     *
     * @param dataset the pairs
     * @param options batching options (batch size counts pairs)
     */
    public PairsSimilarityDataLoader(List<SimilarityPairSample<T>> dataset, LoaderOptions options) {
        super(dataset, options);
    }

    @Override
    protected PairBatch<T> collate(List<SimilarityPairSample<T>> samples, int[] rows) {
        int n = samples.size();
        List<T> records = new ArrayList<>(2 * n);
        samples.forEach(s -> records.add(s.objA()));
        samples.forEach(s -> records.add(s.objB()));
        samples.forEach(s -> records.addAll(s.negatives()));
        long[][] pairs = new long[n][];
        double[] labels = new double[n];
        long[] subgroups = new long[records.size()];
        long[][] negatives = new long[records.size() - 2 * n][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            pairs[i] = new long[] {i, i + n};
            labels[i] = samples.get(i).score();
            subgroups[i] = samples.get(i).subgroup();
            subgroups[i + n] = samples.get(i).subgroup();
            for (int j = 0; j < samples.get(i).negatives().size(); j++, k++) {
                negatives[k] = new long[] {i, 2L * n + k};
                subgroups[2 * n + k] = samples.get(i).subgroup();
            }
        }
        return new PairBatch<>(records, pairs, labels, subgroups, rows, negatives);
    }
}
