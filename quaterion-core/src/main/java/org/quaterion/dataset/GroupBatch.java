package org.quaterion.dataset;

import java.util.List;
import java.util.function.Function;

/**
 * A batch of a {@link GroupSimilarityDataLoader}: records and their groups (Quaterion's {@code {"groups": …}}).
 *
 * @param records the objects to encode
 * @param groups one group per record
 * @param rows the dataset rows of the records
 * @param targets one target per record for a {@code ScoreLoss} (a {@link ScoredPairDataLoader}'s labels, grades or
 *     teacher scores), or null for a batch of grouped records
 * @param <T> record type
 */
public record GroupBatch<T>(List<T> records, long[] groups, int[] rows, double[] targets) implements Batch<T> {

    /** Checks that targets, when given, come one per group entry. */
    public GroupBatch {
        if (targets != null && targets.length != groups.length) {
            throw new IllegalArgumentException("a group batch of " + groups.length + " records needs one target per "
                    + "record, got " + targets.length);
        }
    }

    /**
     * A batch of grouped records without targets.
     *
     * @param records the objects to encode
     * @param groups one group per record
     * @param rows the dataset rows of the records
     */
    public GroupBatch(List<T> records, long[] groups, int[] rows) {
        this(records, groups, rows, null);
    }

    /**
     * The same batch with other records in the same positions (e.g. the records with their prompt).
     *
     * @param replaced one record per record of this batch
     * @return the new batch
     */
    public GroupBatch<T> withRecords(List<T> replaced) {
        if (replaced.size() != records.size()) {
            throw new IllegalArgumentException("a group batch of " + records.size() + " records cannot take "
                    + replaced.size());
        }
        return new GroupBatch<>(replaced, groups, rows, targets);
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public <R> R match(Function<GroupBatch<T>, R> onGroups, Function<PairBatch<T>, R> onPairs) {
        return onGroups.apply(this);
    }
}
