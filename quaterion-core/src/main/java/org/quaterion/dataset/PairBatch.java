package org.quaterion.dataset;

import java.util.List;
import java.util.function.Function;

/**
 * A batch of n pairs in Quaterion's layout: records {@code [a_0 … a_{n−1}, b_0 … b_{n−1}]} (2n), {@code pairs[i] =
 * (i, i + n)}, {@code labels[i]} the pair's score and {@code subgroups} of length 2n (each pair's subgroup twice).
 *
 * @param records 2n objects to encode
 * @param pairs {@code [n][2]} record indices
 * @param labels n scores
 * @param subgroups 2n subgroups
 * @param rows the dataset rows of the n pairs
 * @param <T> record type
 */
public record PairBatch<T>(List<T> records, long[][] pairs, double[] labels, long[] subgroups, int[] rows)
        implements Batch<T> {

    @Override
    public int size() {
        return 2 * rows.length;
    }

    @Override
    public <R> R match(Function<GroupBatch<T>, R> onGroups, Function<PairBatch<T>, R> onPairs) {
        return onPairs.apply(this);
    }
}
