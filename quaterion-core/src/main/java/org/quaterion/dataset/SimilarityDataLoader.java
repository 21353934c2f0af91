package org.quaterion.dataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.quaterion.sampler.BatchSampler;

/**
 * Cuts a dataset into batches, epoch by epoch: the same epoch number always gives the same batches (shuffling is
 * seeded by the loader's seed and the epoch), so training can be resumed exactly. Batches are assembled (reading the
 * samples from the dataset list, which may be lazy) on a background thread with a bounded queue when
 * {@code prefetch > 0}; encoding and collation happen on the training thread.
 *
 * @param <S> sample type
 * @param <B> batch type
 */
public abstract class SimilarityDataLoader<S, B> {

    private final List<S> dataset;
    private final LoaderOptions options;

    /**
     * Creates the loader.
     *
     * @param dataset the samples, not empty
     * @param options batching options
     */
    protected SimilarityDataLoader(List<S> dataset, LoaderOptions options) {
        if (dataset == null || dataset.isEmpty()) {
            throw new IllegalArgumentException("the dataset is empty: a loader needs at least one sample");
        }
        if (options.batchSampler() == null && options.dropLast() && dataset.size() < options.batchSize()) {
            throw new IllegalArgumentException("dropLast with batch size " + options.batchSize() + " leaves no batch "
                    + "of " + dataset.size() + " samples; lower the batch size or keep the last batch");
        }
        this.dataset = dataset;
        this.options = options;
    }

    /**
     * The samples.
     *
     * @return the dataset list
     */
    public List<S> dataset() {
        return dataset;
    }

    /**
     * The batching options.
     *
     * @return the options
     */
    public LoaderOptions options() {
        return options;
    }

    /**
     * Batches per epoch.
     *
     * @return the count
     */
    public int batchesPerEpoch() {
        BatchSampler sampler = options.batchSampler();
        if (sampler != null) {
            return sampler.batchesPerEpoch();
        }
        int n = dataset.size();
        return options.dropLast() ? n / options.batchSize() : (n + options.batchSize() - 1) / options.batchSize();
    }

    /**
     * The dataset rows of each batch of an epoch.
     *
     * @param epoch the epoch (0-based)
     * @return row indices per batch
     */
    public List<int[]> batchRows(int epoch) {
        if (options.batchSampler() != null) {
            List<int[]> batches = options.batchSampler().batches(epoch);
            for (int[] b : batches) {
                for (int r : b) {
                    if (r < 0 || r >= dataset.size()) {
                        throw new IllegalArgumentException("the batch sampler produced row " + r + " for a dataset of "
                                + dataset.size() + "; build the sampler from this dataset's labels");
                    }
                }
            }
            return batches;
        }
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (options.shuffle()) {
            Random random = new Random(options.seed() * 1_000_003L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < n; s += options.batchSize()) {
            int e = Math.min(n, s + options.batchSize());
            if (e - s < options.batchSize() && options.dropLast()) {
                break;
            }
            out.add(java.util.Arrays.copyOfRange(order, s, e));
        }
        return out;
    }

    /**
     * Assembles one batch from dataset rows.
     *
     * @param samples the samples
     * @param rows their dataset rows
     * @return the batch
     */
    protected abstract B collate(List<S> samples, int[] rows);

    /**
     * The batches of an epoch. Close the stream when stopping early (it stops the prefetch thread).
     *
     * @param epoch the epoch (0-based)
     * @return the batches in order
     */
    public BatchStream<B> epoch(int epoch) {
        List<int[]> rows = batchRows(epoch);
        return options.prefetch() == 0 ? new BatchStream<>(rows.stream().map(r -> batch(r, epoch)).iterator(), null)
                : BatchStream.prefetching(rows, r -> batch(r, epoch), options.prefetch());
    }

    /**
     * Builds the batch of some rows in an epoch: {@link #collate(List, int[])} by default; a loader that augments
     * records overrides it (the epoch seeds the augmentation, so a resumed epoch sees the same records).
     *
     * @param samples the rows' samples, in order
     * @param rows their dataset rows
     * @param epoch the epoch
     * @return the batch
     */
    protected B collate(List<S> samples, int[] rows, int epoch) {
        return collate(samples, rows);
    }

    /**
     * Whether batches change records between epochs (augmentation): a frozen-encoder cache, which encodes each
     * dataset row once, cannot serve such a loader.
     *
     * @return false by default
     */
    public boolean augments() {
        return false;
    }

    /**
     * The augmentation of a group loader's records, for a cache of augmented views; null when there is none.
     *
     * @return the augmentation, its views per record and its seed, or null
     */
    public AugmentationSpec augmentationSpec() {
        return null;
    }

    /**
     * A loader's augmentation: the transform, the records per sample and the seed.
     *
     * @param augmentation the transform (of the loader's record type)
     * @param views records per sample
     * @param seed the augmentation seed
     */
    public record AugmentationSpec(org.quaterion.augment.Augmentation<?> augmentation, int views, long seed) {}

    private B batch(int[] rows, int epoch) {
        List<S> samples = new ArrayList<>(rows.length);
        for (int r : rows) {
            S s = dataset.get(r);
            if (s == null) {
                throw new IllegalArgumentException("dataset row " + r + " is null");
            }
            samples.add(s);
        }
        return collate(samples, rows, epoch);
    }

    /**
     * An iterator over an epoch's batches, possibly fed by a background thread.
     *
     * @param <B> batch type
     */
    public static final class BatchStream<B> implements Iterator<B>, AutoCloseable {

        private static final Object END = new Object();

        private final Iterator<B> direct;
        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private Object next;

        private BatchStream(Iterator<B> direct, BlockingQueue<Object> queue) {
            this(direct, queue, null);
        }

        private BatchStream(Iterator<B> direct, BlockingQueue<Object> queue, Thread worker) {
            this.direct = direct;
            this.queue = queue;
            this.worker = worker;
        }

        static <B> BatchStream<B> prefetching(List<int[]> rows, java.util.function.Function<int[], B> assemble,
                int depth) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(depth);
            Thread worker = new Thread(() -> {
                try {
                    for (int[] r : rows) {
                        queue.put(assemble.apply(r));
                    }
                    queue.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    try {
                        queue.put(e);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "quaterion-prefetch");
            worker.setDaemon(true);
            worker.start();
            return new BatchStream<>(null, queue, worker);
        }

        @Override
        public boolean hasNext() {
            if (direct != null) {
                return direct.hasNext();
            }
            if (next == null) {
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the next batch", e);
                }
            }
            if (next instanceof RuntimeException e) {
                next = END;
                throw e;
            }
            return next != END;
        }

        @Override
        @SuppressWarnings("unchecked")
        public B next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more batches in this epoch");
            }
            if (direct != null) {
                return direct.next();
            }
            B b = (B) next;
            next = null;
            return b;
        }

        @Override
        public void close() {
            if (worker != null) {
                worker.interrupt();
            }
        }
    }
}
