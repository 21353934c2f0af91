package org.quaterion.cache;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Map;

/**
 * How frozen encoders are cached (Quaterion's {@code CacheConfig}). Immutable; start from {@link #of(CacheType)}.
 *
 * @param cacheType the default type of every frozen encoder
 * @param mapping per-encoder types overriding the default (naming a trainable encoder is an error)
 * @param keyExtractors per-encoder keys; without one, a record's key is its dataset row (and side of a pair), so the
 *     cache is tied to the dataset's order
 * @param batchSize records per forward pass while filling, at least 1
 * @param saveDir where caches persist between runs, or null for this run only
 * @param precision storage precision of the cached embeddings
 * @param prebuilt per-encoder caches built elsewhere (a Spark job, {@code quaterion cache}), opened instead of filled;
 *     each needs a key extractor returning the keys the cache was built with
 * @param augmentedViews with an augmenting training loader: how many augmented encodings of each record are cached
 *     (0: an augmenting loader is refused; see {@link #withAugmentedViews})
 * @param <T> record type
 */
public record CacheConfig<T>(CacheType cacheType, Map<String, CacheType> mapping,
        Map<String, KeyExtractor<T>> keyExtractors, int batchSize, Path saveDir, Precision precision,
        Map<String, Path> prebuilt, int augmentedViews) {

    /** Storage precision. */
    public enum Precision {
        /** 4 bytes per value, exact. */
        FLOAT32(DataType.FLOAT32),
        /** 2 bytes per value (half the disk and memory; ~3 significant digits). */
        FLOAT16(DataType.FLOAT16);

        private final DataType dataType;

        Precision(DataType dataType) {
            this.dataType = dataType;
        }

        /**
         * The type the values are stored in.
         *
         * @return {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
         */
        public DataType dataType() {
            return dataType;
        }
    }

    /** Validates the config. */
    public CacheConfig {
        if (cacheType == null || precision == null) {
            throw new IllegalArgumentException("cacheType and precision must not be null");
        }
        if (augmentedViews < 0) {
            throw new IllegalArgumentException("augmentedViews must be >= 0 (0 = none), got " + augmentedViews);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the cache fill batchSize must be >= 1, got " + batchSize);
        }
        mapping = Map.copyOf(mapping == null ? Map.of() : mapping);
        keyExtractors = Map.copyOf(keyExtractors == null ? Map.of() : keyExtractors);
        prebuilt = Map.copyOf(prebuilt == null ? Map.of() : prebuilt);
    }

    /**
     * Every frozen encoder cached with this type, fill batch 32, float32, not persisted.
     *
     * @param type the cache type
     * @param <T> record type
     * @return the config
     */
    public static <T> CacheConfig<T> of(CacheType type) {
        return new CacheConfig<>(type, Map.of(), Map.of(), 32, null, Precision.FLOAT32, Map.of(), 0);
    }

    /**
     * Persisting under a directory.
     *
     * @param dir the directory
     * @return a new config
     */
    public CacheConfig<T> withSaveDir(Path dir) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, dir, precision, prebuilt, augmentedViews);
    }

    /**
     * With a fill batch size.
     *
     * @param size records per forward pass
     * @return a new config
     */
    public CacheConfig<T> withBatchSize(int size) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, size, saveDir, precision, prebuilt, augmentedViews);
    }

    /**
     * With a storage precision.
     *
     * @param p the precision
     * @return a new config
     */
    public CacheConfig<T> withPrecision(Precision p) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, saveDir, p, prebuilt, augmentedViews);
    }

    /**
     * With per-encoder types.
     *
     * @param types encoder name → type
     * @return a new config
     */
    public CacheConfig<T> withMapping(Map<String, CacheType> types) {
        return new CacheConfig<>(cacheType, types, keyExtractors, batchSize, saveDir, precision, prebuilt, augmentedViews);
    }

    /**
     * With per-encoder key extractors.
     *
     * @param extractors encoder name → extractor
     * @return a new config
     */
    public CacheConfig<T> withKeyExtractors(Map<String, KeyExtractor<T>> extractors) {
        return new CacheConfig<>(cacheType, mapping, extractors, batchSize, saveDir, precision, prebuilt, augmentedViews);
    }

    /**
     * With caches built elsewhere: each named encoder's cache is opened from its directory (a Spark job's output) and
     * checked against the records the fit reads, instead of being filled.
     *
     * @param dirs encoder name → cache directory
     * @return a new config
     */
    public CacheConfig<T> withPrebuilt(Map<String, Path> dirs) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, saveDir, precision, dirs, augmentedViews);
    }

    /**
     * Cached augmented views: with a training loader that augments its records
     * ({@code GroupSimilarityDataLoader.withAugmentation}), the fill encodes {@code k} augmented versions of every
     * training record (variant j is what the uncached loader gives in epoch {@code j / views}, view
     * {@code j % views}), and epoch e's view v of a record reads variant {@code (e · views + v + seed) mod k}. The
     * frozen encoder then runs k times per record once, instead of once per record per epoch; the epochs cycle
     * through k augmentations instead of drawing fresh ones. k must be at least the loader's views per record. Keys
     * name the variant and the cached data's fingerprint covers the augmented records, so another augmentation (or
     * k) refills a persisted cache.
     *
     * @param k variants per record, at least 1
     * @return a new config
     */
    public CacheConfig<T> withAugmentedViews(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("augmented views per record must be >= 1, got " + k);
        }
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, saveDir, precision, prebuilt, k);
    }

    /**
     * The type of one encoder.
     *
     * @param encoder the encoder name
     * @return its type
     */
    public CacheType typeOf(String encoder) {
        return mapping.getOrDefault(encoder, cacheType);
    }
}
