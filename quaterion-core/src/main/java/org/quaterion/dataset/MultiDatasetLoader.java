package org.quaterion.dataset;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several named datasets in one fit (sentence-transformers' multi-dataset training): each epoch interleaves the
 * batches of named loaders, each batch drawn whole from one dataset by that dataset's own loader (its batch size,
 * shuffle, batch sampler and augmentation). With {@code TrainableModel.configureDatasetLosses} each dataset has its
 * own loss, and the fit logs each dataset's loss as {@code train_loss/<name>} (and {@code validation_loss/<name>}).
 *
 * <ul>
 *   <li>{@link Sampling#ROUND_ROBIN}: one batch of each dataset in turn, in the order added, until the dataset with
 *       the fewest batches runs out (sentence-transformers' {@code ROUND_ROBIN}): an epoch has
 *       {@code datasets × fewest batches}; the other datasets' later batches are not used in that epoch (their loaders
 *       reshuffle by epoch, so other batches are used in other epochs).
 *   <li>{@link Sampling#PROPORTIONAL}: every batch of every dataset once per epoch, in an order drawn by the seed and
 *       the epoch, so each dataset is drawn in proportion to its number of batches (sentence-transformers'
 *       {@code PROPORTIONAL}).
 * </ul>
 *
 * <p>The schedule is a function of the epoch number alone, like every loader's batches, so a resumed run sees the
 * same batches as an uninterrupted one. {@link #dataset()} is the datasets one after another; a batch's
 * {@link Batch#rows()} are rows of its own dataset.
 *
 * @param <T> record type
 */
public final class MultiDatasetLoader<T> extends SimilarityDataLoader<Object, Batch<T>> {

    /** How an epoch interleaves the datasets' batches. */
    public enum Sampling {
        /** One batch of each dataset in turn, until the one with the fewest batches runs out. */
        ROUND_ROBIN,
        /** Every batch once, datasets drawn at random in proportion to their number of batches. */
        PROPORTIONAL
    }

    private static final Logger LOG = LoggerFactory.getLogger(MultiDatasetLoader.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final List<String> names;
    private final List<SimilarityDataLoader<?, ? extends Batch<T>>> loaders;
    /** The first row of each dataset in {@link #dataset()}, and the total at the end. */
    private final int[] offsets;
    private final Sampling sampling;
    private final long seed;
    private Plan plan;

    /** An epoch's batches: global rows and the dataset of each. */
    private record Plan(int epoch, List<int[]> rows, int[] datasets) {}

    private MultiDatasetLoader(List<String> names, List<SimilarityDataLoader<?, ? extends Batch<T>>> loaders,
            int[] offsets, Sampling sampling, long seed, int prefetch) {
        super(concatenation(loaders, offsets), LoaderOptions.batchSize(loaders.stream()
                .mapToInt(l -> l.options().batchSize()).max().orElse(1)).withPrefetch(prefetch));
        this.names = List.copyOf(names);
        this.loaders = List.copyOf(loaders);
        this.offsets = offsets;
        this.sampling = sampling;
        this.seed = seed;
    }

    /**
     * Starts a loader of several datasets.
     *
     * @param sampling how epochs interleave the datasets
     * @param <T> record type
     * @return a builder (seed 0, 2 batches prefetched)
     */
    public static <T> Builder<T> builder(Sampling sampling) {
        if (sampling == null) {
            throw new IllegalArgumentException("choose a sampling: ROUND_ROBIN or PROPORTIONAL");
        }
        return new Builder<>(sampling);
    }

    /**
     * The datasets' loaders by name, in the order added.
     *
     * @return name → loader
     */
    public Map<String, SimilarityDataLoader<?, ? extends Batch<T>>> loaders() {
        Map<String, SimilarityDataLoader<?, ? extends Batch<T>>> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), loaders.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * How epochs interleave the datasets.
     *
     * @return the sampling
     */
    public Sampling sampling() {
        return sampling;
    }

    /**
     * The seed of the proportional order.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    @Override
    public int batchesPerEpoch() {
        int fewest = Integer.MAX_VALUE;
        int sum = 0;
        for (SimilarityDataLoader<?, ?> l : loaders) {
            fewest = Math.min(fewest, l.batchesPerEpoch());
            sum += l.batchesPerEpoch();
        }
        return sampling == Sampling.ROUND_ROBIN ? fewest * loaders.size() : sum;
    }

    /**
     * The name of the dataset of each batch of an epoch, in order.
     *
     * @param epoch the epoch (0-based)
     * @return one dataset name per batch
     */
    public List<String> schedule(int epoch) {
        int[] datasets = plan(epoch).datasets();
        List<String> out = new ArrayList<>(datasets.length);
        for (int d : datasets) {
            out.add(names.get(d));
        }
        return out;
    }

    @Override
    public List<int[]> batchRows(int epoch) {
        return plan(epoch).rows();
    }

    /** The epoch's batches, computed once per epoch (a batch sampler may read its whole dataset). */
    private synchronized Plan plan(int epoch) {
        if (plan != null && plan.epoch() == epoch) {
            return plan;
        }
        List<List<int[]>> perDataset = new ArrayList<>();
        for (SimilarityDataLoader<?, ?> l : loaders) {
            perDataset.add(l.batchRows(epoch));
        }
        int[] order = order(perDataset, epoch);
        int[] taken = new int[loaders.size()];
        List<int[]> rows = new ArrayList<>(order.length);
        for (int d : order) {
            int[] local = perDataset.get(d).get(taken[d]++);
            int[] global = new int[local.length];
            for (int i = 0; i < local.length; i++) {
                global[i] = local[i] + offsets[d];
            }
            rows.add(global);
        }
        plan = new Plan(epoch, Collections.unmodifiableList(rows), order);
        return plan;
    }

    /** The dataset of each batch of an epoch. */
    private int[] order(List<List<int[]>> perDataset, int epoch) {
        if (sampling == Sampling.ROUND_ROBIN) {
            int fewest = perDataset.stream().mapToInt(List::size).min().orElse(0);
            int[] order = new int[fewest * perDataset.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i % perDataset.size();
            }
            return order;
        }
        int[] order = new int[perDataset.stream().mapToInt(List::size).sum()];
        for (int d = 0, at = 0; d < perDataset.size(); d++) {
            Arrays.fill(order, at, at + perDataset.get(d).size(), d);
            at += perDataset.get(d).size();
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    protected Batch<T> collate(List<Object> samples, int[] rows) {
        return collate(samples, rows, 0);
    }

    @Override
    protected Batch<T> collate(List<Object> samples, int[] rows, int epoch) {
        int d = datasetOfRow(rows[0]);
        int[] local = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (datasetOfRow(rows[i]) != d) {
                throw new IllegalStateException("a batch mixes rows of datasets '" + names.get(d) + "' and '"
                        + names.get(datasetOfRow(rows[i])) + "'");
            }
            local[i] = rows[i] - offsets[d];
        }
        return collateIn(loaders.get(d), samples, local, epoch);
    }

    /** The child loader's batch of its own samples (the samples were read from it, so their type is its type). */
    @SuppressWarnings("unchecked")
    private static <S, T> Batch<T> collateIn(SimilarityDataLoader<S, ? extends Batch<T>> loader, List<Object> samples,
            int[] rows, int epoch) {
        return loader.collate((List<S>) samples, rows, epoch);
    }

    private int datasetOfRow(int row) {
        return datasetOf(offsets, row);
    }

    /** The dataset holding a row of the concatenation (offsets strictly increase: loaders refuse empty datasets). */
    private static int datasetOf(int[] offsets, int row) {
        int at = Arrays.binarySearch(offsets, row);
        return at >= 0 ? at : -at - 2;
    }

    @Override
    public boolean augments() {
        return loaders.stream().anyMatch(SimilarityDataLoader::augments);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("MultiDatasetLoader(").append(sampling);
        for (int i = 0; i < names.size(); i++) {
            s.append(", ").append(names.get(i)).append(": ").append(loaders.get(i).dataset().size()).append(" samples");
        }
        return s.append(")").toString();
    }

    private static List<Object> concatenation(List<? extends SimilarityDataLoader<?, ?>> loaders, int[] offsets) {
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                int d = datasetOf(offsets, index);
                return loaders.get(d).dataset().get(index - offsets[d]);
            }

            @Override
            public int size() {
                return offsets[loaders.size()];
            }
        };
    }

    /**
     * Builds a {@link MultiDatasetLoader}.
     *
     * @param <T> record type
     */
    public static final class Builder<T> {

        private final Sampling sampling;
        private final List<String> names = new ArrayList<>();
        private final List<SimilarityDataLoader<?, ? extends Batch<T>>> loaders = new ArrayList<>();
        private long seed;
        private int prefetch = 2;

        private Builder(Sampling sampling) {
            this.sampling = sampling;
        }

        /**
         * Adds a dataset.
         *
         * @param name its name: letters, digits, {@code _} and {@code -} (it names the dataset's loss and metrics)
         * @param loader its loader (pairs or groups; not itself a {@code MultiDatasetLoader})
         * @return this builder
         */
        public Builder<T> add(String name, SimilarityDataLoader<?, ? extends Batch<T>> loader) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("dataset name '" + name + "' must be letters, digits, _ or -");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("dataset '" + name + "' is added twice; give each its own name");
            }
            if (loader == null || loader instanceof MultiDatasetLoader<?>) {
                throw new IllegalArgumentException("dataset '" + name + "' needs a pair or group loader, got "
                        + (loader == null ? "null" : "a MultiDatasetLoader; add its datasets one by one"));
            }
            names.add(name);
            loaders.add(loader);
            return this;
        }

        /**
         * Sets the seed of the proportional order (default 0; each epoch's order is drawn by the seed and the
         * epoch). Round-robin does not use it.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder<T> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets how many batches are assembled ahead on a background thread (default 2; 0 = none). The datasets'
         * own prefetch settings are not used.
         *
         * @param batches the depth
         * @return this builder
         */
        public Builder<T> optPrefetch(int batches) {
            this.prefetch = batches;
            return this;
        }

        /**
         * Builds the loader.
         *
         * @return the loader
         * @throws IllegalArgumentException when fewer than two datasets were added
         */
        public MultiDatasetLoader<T> build() {
            if (loaders.size() < 2) {
                throw new IllegalArgumentException("a MultiDatasetLoader needs at least two datasets, got "
                        + loaders.size() + "; give a single dataset's loader to fit directly");
            }
            int[] offsets = new int[loaders.size() + 1];
            for (int i = 0; i < loaders.size(); i++) {
                offsets[i + 1] = Math.addExact(offsets[i], loaders.get(i).dataset().size());
            }
            MultiDatasetLoader<T> loader = new MultiDatasetLoader<>(names, loaders, offsets, sampling, seed,
                    prefetch);
            if (sampling == Sampling.ROUND_ROBIN) {
                int fewest = loader.batchesPerEpoch() / loaders.size();
                for (int i = 0; i < loaders.size(); i++) {
                    int unused = loaders.get(i).batchesPerEpoch() - fewest;
                    if (unused > 0) {
                        LOG.info("round robin uses {} of the {} batches of dataset '{}' per epoch (the fewest any "
                                + "dataset has)", fewest, loaders.get(i).batchesPerEpoch(), names.get(i));
                    }
                }
            }
            return loader;
        }
    }
}
