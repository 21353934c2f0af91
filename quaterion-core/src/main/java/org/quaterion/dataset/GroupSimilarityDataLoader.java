package org.quaterion.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Batches of group samples for a {@code GroupLoss}: records and their {@code groups} (Quaterion's
 * {@code GroupSimilarityDataLoader}).
 *
 * @param <T> record type
 */
public final class GroupSimilarityDataLoader<T> extends SimilarityDataLoader<SimilarityGroupSample<T>, GroupBatch<T>> {

    /**
     * Creates the loader.
     *
     * @param dataset the samples
     * @param options batching options
     */
    public GroupSimilarityDataLoader(List<SimilarityGroupSample<T>> dataset, LoaderOptions options) {
        super(dataset, options);
    }

    @Override
    protected GroupBatch<T> collate(List<SimilarityGroupSample<T>> samples, int[] rows) {
        List<T> records = new ArrayList<>(samples.size());
        long[] groups = new long[samples.size()];
        for (int i = 0; i < groups.length; i++) {
            records.add(samples.get(i).obj());
            groups[i] = samples.get(i).group();
        }
        return new GroupBatch<>(records, groups, rows);
    }

    /**
     * The group of every dataset row (to build a {@link org.quaterion.sampler.BalanceSampler}).
     *
     * @param dataset the samples
     * @param <T> record type
     * @return the groups
     */
    public static <T> long[] groupsOf(List<SimilarityGroupSample<T>> dataset) {
        return dataset.stream().mapToLong(SimilarityGroupSample::group).toArray();
    }
}
