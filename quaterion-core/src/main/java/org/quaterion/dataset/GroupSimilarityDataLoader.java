package org.quaterion.dataset;

import java.util.ArrayList;
import java.util.List;
import org.quaterion.augment.Augmentation;

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
        this(dataset, options, null, 1, 0);
    }

    private final Augmentation<T> augmentation;
    private final int views;
    private final long augmentationSeed;

    private GroupSimilarityDataLoader(List<SimilarityGroupSample<T>> dataset, LoaderOptions options,
            Augmentation<T> augmentation, int views, long augmentationSeed) {
        super(dataset, options);
        if (views < 1) {
            throw new IllegalArgumentException("views per record must be >= 1, got " + views);
        }
        this.augmentation = augmentation;
        this.views = views;
        this.augmentationSeed = augmentationSeed;
    }

    /**
     * The same loader with augmented records: each sample of a batch gives {@code views} records (SupCon's two views
     * of an image are positives: they share the sample's group), each transformed with a generator seeded by
     * ({@code seed}, epoch, row, view), so an epoch's batches are the same in every run and after a resume. A batch
     * of B samples holds {@code B · views} records, views of a sample next to each other.
     *
     * @param augmentation the transform
     * @param views records per sample, at least 1
     * @param seed the augmentation seed
     * @return the new loader
     */
    public GroupSimilarityDataLoader<T> withAugmentation(Augmentation<T> augmentation, int views, long seed) {
        return new GroupSimilarityDataLoader<>(dataset(), options(),
                java.util.Objects.requireNonNull(augmentation, "augmentation"), views, seed);
    }

    @Override
    public boolean augments() {
        return augmentation != null;
    }

    @Override
    public AugmentationSpec augmentationSpec() {
        return augmentation == null ? null : new AugmentationSpec(augmentation, views, augmentationSeed);
    }

    @Override
    protected GroupBatch<T> collate(List<SimilarityGroupSample<T>> samples, int[] rows, int epoch) {
        if (augmentation == null) {
            return collate(samples, rows);
        }
        List<T> records = new ArrayList<>(samples.size() * views);
        long[] groups = new long[samples.size() * views];
        int[] recordRows = new int[samples.size() * views];
        for (int i = 0, k = 0; i < samples.size(); i++) {
            for (int v = 0; v < views; v++, k++) {
                records.add(augmentation.apply(samples.get(i).obj(), Augmentation.random(augmentationSeed, epoch,
                        rows[i], v)));
                groups[k] = samples.get(i).group();
                recordRows[k] = rows[i];
            }
        }
        return new GroupBatch<>(records, groups, recordRows);
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
