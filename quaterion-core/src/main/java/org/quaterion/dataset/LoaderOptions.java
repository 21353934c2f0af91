package org.quaterion.dataset;

import org.quaterion.sampler.BatchSampler;

/**
 * How a loader cuts a dataset into batches. Immutable; start from {@link #batchSize(int)} and refine with the
 * {@code with…} methods.
 *
 * @param batchSize samples per batch (pairs for a pair loader), at least 1
 * @param shuffle whether to shuffle rows each epoch (seeded by {@code seed} and the epoch number)
 * @param dropLast whether to drop a last, incomplete batch
 * @param seed shuffling seed
 * @param prefetch batches assembled ahead on a background thread (0 = assemble on the caller's thread)
 * @param batchSampler decides the batches instead of batchSize/shuffle/dropLast, or null
 */
public record LoaderOptions(int batchSize, boolean shuffle, boolean dropLast, long seed, int prefetch,
        BatchSampler batchSampler) {

    /** Validates the options. */
    public LoaderOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
        }
    }

    /**
     * Batches of a size, not shuffled, last batch kept, 2 batches prefetched.
     *
     * @param batchSize samples per batch
     * @return the options
     */
    public static LoaderOptions batchSize(int batchSize) {
        return new LoaderOptions(batchSize, false, false, 0, 2, null);
    }

    /**
     * Shuffled every epoch.
     *
     * @param seed the seed
     * @return new options
     */
    public LoaderOptions withShuffle(long seed) {
        return new LoaderOptions(batchSize, true, dropLast, seed, prefetch, batchSampler);
    }

    /**
     * Dropping the last incomplete batch.
     *
     * @return new options
     */
    public LoaderOptions withDropLast() {
        return new LoaderOptions(batchSize, shuffle, true, seed, prefetch, batchSampler);
    }

    /**
     * A prefetch depth.
     *
     * @param batches batches assembled ahead (0 = none)
     * @return new options
     */
    public LoaderOptions withPrefetch(int batches) {
        return new LoaderOptions(batchSize, shuffle, dropLast, seed, batches, batchSampler);
    }

    /**
     * Batches from a batch sampler (batch size then comes from the sampler).
     *
     * @param sampler the sampler
     * @return new options
     */
    public LoaderOptions withBatchSampler(BatchSampler sampler) {
        return new LoaderOptions(batchSize, shuffle, dropLast, seed, prefetch, sampler);
    }
}
