package org.quaterion.dataset;

import java.util.List;
import java.util.function.Function;

/**
 * A batch of n pairs in Quaterion's layout: records {@code [a_0 … a_{n−1}, b_0 … b_{n−1}]} (2n), {@code pairs[i] =
 * (i, i + n)}, {@code labels[i]} the pair's score and {@code subgroups} of length 2n (each pair's subgroup twice).
 * Explicit negatives of the samples follow as k more records (pair by pair, in the samples' order), each listed in
 * {@code negatives} as {@code (pair index, record index)} and given its pair's subgroup.
 *
 * @param records 2n + k objects to encode
 * @param pairs {@code [n][2]} record indices
 * @param labels n scores
 * @param subgroups 2n + k subgroups
 * @param rows the dataset rows of the n pairs
 * @param negatives {@code [k][2]}: (pair index, record index) of each explicit negative; empty for none
 * @param <T> record type
 */
public record PairBatch<T>(List<T> records, long[][] pairs, double[] labels, long[] subgroups, int[] rows,
        long[][] negatives) implements Batch<T> {

    /** Normalises a null negatives list to empty. */
    public PairBatch {
        negatives = negatives == null ? new long[0][] : negatives;
    }

    /**
     * A batch without explicit negatives.
     *
     * @param records 2n objects to encode
     * @param pairs {@code [n][2]} record indices
     * @param labels n scores
     * @param subgroups 2n subgroups
     * @param rows the dataset rows of the n pairs
     */
    public PairBatch(List<T> records, long[][] pairs, double[] labels, long[] subgroups, int[] rows) {
        this(records, pairs, labels, subgroups, rows, null);
    }

    /**
     * The same batch with other records in the same positions (e.g. the records with their prompt).
     *
     * @param replaced one record per record of this batch
     * @return the new batch
     */
    public PairBatch<T> withRecords(List<T> replaced) {
        if (replaced.size() != records.size()) {
            throw new IllegalArgumentException("a pair batch of " + records.size() + " records cannot take "
                    + replaced.size());
        }
        return new PairBatch<>(replaced, pairs, labels, subgroups, rows, negatives);
    }

    @Override
    public int size() {
        return 2 * rows.length + negatives.length;
    }

    @Override
    public <R> R match(Function<GroupBatch<T>, R> onGroups, Function<PairBatch<T>, R> onPairs) {
        return onPairs.apply(this);
    }
}
