package org.quaterion.sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * Batches in which no record appears twice (sentence-transformers' {@code NoDuplicatesBatchSampler}), for losses
 * that use the other samples of a batch as negatives (MultipleNegativesRankingLoss and the like): a record that
 * appears in two samples of a batch would be a false negative of the other sample.
 *
 * <p>Each epoch shuffles the rows (seeded by the seed and the epoch) and fills batches in that order: a row whose
 * records (every record of a sample: for a pair its anchor, its positive and its explicit negatives) meet a record
 * already in the batch is passed over and waits, in order, for a later batch. Records are compared by a key, the
 * record itself by default ({@code equals} and {@code hashCode}); records of the same sample may repeat each other.
 *
 * <p>At the end of an epoch, rows that conflict with every batch still open form smaller batches: without drop-last
 * those are kept, so <b>every row is used exactly once per epoch</b>; with drop-last every batch smaller than the
 * batch size is dropped, and its rows wait for the next epoch (reshuffled, they usually fit then). Because those
 * smaller batches depend on the shuffle, the number of batches can differ by a few between epochs;
 * {@link #batchesPerEpoch()} is epoch 0's count.
 */
public final class NoDuplicatesBatchSampler implements BatchSampler {

    private static final int END = -1;

    private final int[][] keysOfRow;
    private final int keyCount;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private int epochZeroCount = -1;

    private NoDuplicatesBatchSampler(int[][] keysOfRow, int keyCount, int batchSize, boolean shuffle,
            boolean dropLast, long seed) {
        this.keysOfRow = keysOfRow;
        this.keyCount = keyCount;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    /**
     * Starts a sampler over a dataset. For pairs, {@code SimilarityPairSample::records} gives every record of a
     * sample.
     *
     * @param dataset the samples (read once, when the sampler is built)
     * @param records the records of a sample that must not appear twice in a batch
     * @param batchSize samples per batch, at least 1
     * @param <S> sample type
     * @param <R> record type
     * @return a builder: shuffled with seed 0, last batches kept, records compared with {@code equals}
     */
    public static <S, R> Builder<S, R> builder(List<S> dataset,
            Function<? super S, ? extends Collection<? extends R>> records, int batchSize) {
        return new Builder<>(dataset, records, batchSize);
    }

    @Override
    public List<int[]> batches(int epoch) {
        int n = keysOfRow.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random random = new Random(seed * 1_000_003L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        // the rows still waiting, as a linked list over positions of order: a placed row is unlinked in O(1)
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : END;
        }
        int head = n == 0 ? END : 0;
        int[] stamp = new int[keyCount]; // stamp[key] == batch number + 1: the key is in the open batch
        List<int[]> out = new ArrayList<>();
        int[] batch = new int[batchSize];
        for (int number = 1; head != END; number++) {
            int size = 0;
            int previous = END;
            for (int at = head; at != END && size < batchSize; at = next[at]) {
                int row = order[at];
                if (fits(keysOfRow[row], stamp, number)) {
                    for (int key : keysOfRow[row]) {
                        stamp[key] = number;
                    }
                    batch[size++] = row;
                    if (previous == END) {
                        head = next[at];
                    } else {
                        next[previous] = next[at];
                    }
                } else {
                    previous = at;
                }
            }
            if (size == batchSize || !dropLast) {
                out.add(Arrays.copyOf(batch, size));
            }
        }
        return out;
    }

    private static boolean fits(int[] keys, int[] stamp, int number) {
        for (int key : keys) {
            if (stamp[key] == number) {
                return false;
            }
        }
        return true;
    }

    /**
     * The number of batches of epoch 0 (another epoch's can differ by a few, see the class description).
     *
     * @return the count
     */
    @Override
    public synchronized int batchesPerEpoch() {
        if (epochZeroCount < 0) {
            epochZeroCount = batches(0).size();
        }
        return epochZeroCount;
    }

    @Override
    public String toString() {
        return "NoDuplicatesBatchSampler(" + keysOfRow.length + " rows, " + keyCount + " distinct records, batch "
                + batchSize + (dropLast ? ", drop last" : "") + (shuffle ? ", seed " + seed : ", not shuffled") + ")";
    }

    /**
     * Builds a {@link NoDuplicatesBatchSampler}.
     *
     * @param <S> sample type
     * @param <R> record type
     */
    public static final class Builder<S, R> {

        private final List<S> dataset;
        private final Function<? super S, ? extends Collection<? extends R>> records;
        private final int batchSize;
        private Function<? super R, ?> key = Function.identity();
        private long seed;
        private boolean shuffle = true;
        private boolean dropLast;

        private Builder(List<S> dataset, Function<? super S, ? extends Collection<? extends R>> records,
                int batchSize) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.records = Objects.requireNonNull(records, "records");
            this.batchSize = batchSize;
        }

        /**
         * Compares records by a key instead of the records themselves (e.g. a text normalised to lower case, or
         * an id).
         *
         * @param key maps a record to what must not repeat in a batch; its results are compared with {@code equals}
         * @return this builder
         */
        public Builder<S, R> optKey(Function<? super R, ?> key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Sets the shuffling seed (default 0); each epoch is shuffled by the seed and the epoch number.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder<S, R> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether rows are shuffled each epoch (default true); unshuffled, batches are filled in dataset order.
         *
         * @param shuffle false to keep the dataset order
         * @return this builder
         */
        public Builder<S, R> optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Whether batches smaller than the batch size are dropped (default false: every row is used each epoch).
         *
         * @param dropLast true to keep only full batches
         * @return this builder
         */
        public Builder<S, R> optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Reads every sample's records once and builds the sampler.
         *
         * @return the sampler
         * @throws IllegalArgumentException when the dataset is empty, the batch size is below 1, a sample has no
         *     record or a key is null
         */
        public NoDuplicatesBatchSampler build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("the batch size must be >= 1, got " + batchSize);
            }
            if (dataset.isEmpty()) {
                throw new IllegalArgumentException("the dataset is empty: a sampler needs at least one sample");
            }
            Map<Object, Integer> ids = new HashMap<>();
            int[][] keysOfRow = new int[dataset.size()][];
            for (int row = 0; row < keysOfRow.length; row++) {
                Collection<? extends R> of = records.apply(dataset.get(row));
                if (of == null || of.isEmpty()) {
                    throw new IllegalArgumentException("sample " + row + " has no record to compare; the records "
                            + "function must return the sample's records (SimilarityPairSample::records for pairs)");
                }
                int[] keys = new int[of.size()];
                int count = 0;
                for (R record : of) {
                    Object k = key.apply(record);
                    if (k == null) {
                        throw new IllegalArgumentException("the key of a record of sample " + row + " is null: "
                                + record + "; the key function must return a value for every record");
                    }
                    int id = ids.computeIfAbsent(k, x -> ids.size());
                    if (!contains(keys, count, id)) { // a sample may repeat its own records
                        keys[count++] = id;
                    }
                }
                keysOfRow[row] = Arrays.copyOf(keys, count);
            }
            int rows = keysOfRow.length;
            if (dropLast && rows < batchSize) {
                throw new IllegalArgumentException("drop-last with batch size " + batchSize + " leaves no batch of "
                        + rows + " samples; lower the batch size or keep the last batches");
            }
            return new NoDuplicatesBatchSampler(keysOfRow, ids.size(), batchSize, shuffle, dropLast, seed);
        }

        private static boolean contains(int[] a, int length, int value) {
            for (int i = 0; i < length; i++) {
                if (a[i] == value) {
                    return true;
                }
            }
            return false;
        }
    }
}
