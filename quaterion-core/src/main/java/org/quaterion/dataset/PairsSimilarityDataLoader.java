package org.quaterion.dataset;

import java.util.ArrayList;
import java.util.List;
import org.quaterion.augment.Augmentation;

/**
 * Batches of pair samples for a {@code PairwiseLoss}, in Quaterion's layout ({@link PairBatch}): n pairs become 2n
 * records {@code [a…, b…]}, {@code pairs[i] = (i, i + n)}, scores and doubled subgroups, then the explicit negatives;
 * the samples' teacher targets, when they have any, come along.
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
        this(dataset, options, null, 0);
    }

    private final Augmentation<T> augmentation;
    private final long augmentationSeed;

    private PairsSimilarityDataLoader(List<SimilarityPairSample<T>> dataset, LoaderOptions options,
            Augmentation<T> augmentation, long augmentationSeed) {
        super(dataset, options);
        this.augmentation = augmentation;
        this.augmentationSeed = augmentationSeed;
    }

    /**
     * The same loader with augmented records: both members of each pair (and its explicit negatives) are transformed
     * independently, each with a generator seeded by ({@code seed}, epoch, row, member), so an epoch's batches are the
     * same in every run and after a resume.
     *
     * @param augmentation the transform (e.g. {@code TextAugmentation})
     * @param seed the augmentation seed
     * @return the new loader
     */
    public PairsSimilarityDataLoader<T> withAugmentation(Augmentation<T> augmentation, long seed) {
        return new PairsSimilarityDataLoader<>(dataset(), options(),
                java.util.Objects.requireNonNull(augmentation, "augmentation"), seed);
    }

    @Override
    public boolean augments() {
        return augmentation != null;
    }

    @Override
    protected PairBatch<T> collate(List<SimilarityPairSample<T>> samples, int[] rows, int epoch) {
        if (augmentation == null) {
            return collate(samples, rows);
        }
        List<SimilarityPairSample<T>> augmented = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            SimilarityPairSample<T> p = samples.get(i);
            List<T> negatives = new ArrayList<>(p.negatives().size());
            for (int j = 0; j < p.negatives().size(); j++) {
                negatives.add(augmentation.apply(p.negatives().get(j), Augmentation.random(augmentationSeed, epoch,
                        rows[i], 2 + j)));
            }
            augmented.add(p.withRecords(
                    augmentation.apply(p.objA(), Augmentation.random(augmentationSeed, epoch, rows[i], 0)),
                    augmentation.apply(p.objB(), Augmentation.random(augmentationSeed, epoch, rows[i], 1)),
                    negatives));
        }
        return collate(augmented, rows);
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
        List<float[]> teacherEmbeddings = new ArrayList<>(n);
        List<double[]> teacherMargins = new ArrayList<>(n);
        int[] negativeCounts = new int[n];
        for (int i = 0; i < n; i++) {
            teacherEmbeddings.add(samples.get(i).teacherEmbedding());
            teacherMargins.add(samples.get(i).teacherMargins());
            negativeCounts[i] = samples.get(i).negatives().size();
        }
        return new PairBatch<>(records, pairs, labels, subgroups, rows, negatives,
                PairBatch.teacherEmbeddings(teacherEmbeddings), PairBatch.teacherMargins(teacherMargins,
                        negativeCounts));
    }
}
