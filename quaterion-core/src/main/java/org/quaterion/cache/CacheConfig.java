package org.quaterion.cache;

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
 * @param <T> record type
 */
public record CacheConfig<T>(CacheType cacheType, Map<String, CacheType> mapping,
        Map<String, KeyExtractor<T>> keyExtractors, int batchSize, Path saveDir, Precision precision,
        Map<String, Path> prebuilt) {

    /** Storage precision. */
    public enum Precision {
        /** 4 bytes per value, exact. */
        FLOAT32,
        /** 2 bytes per value (half the disk and memory; ~3 significant digits). */
        FLOAT16
    }

    /** Validates the config. */
    public CacheConfig {
        if (cacheType == null || precision == null) {
            throw new IllegalArgumentException("cacheType and precision must not be null");
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
        return new CacheConfig<>(type, Map.of(), Map.of(), 32, null, Precision.FLOAT32, Map.of());
    }

    /**
     * Persisting under a directory.
     *
     * @param dir the directory
     * @return a new config
     */
    public CacheConfig<T> withSaveDir(Path dir) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, dir, precision, prebuilt);
    }

    /**
     * With a fill batch size.
     *
     * @param size records per forward pass
     * @return a new config
     */
    public CacheConfig<T> withBatchSize(int size) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, size, saveDir, precision, prebuilt);
    }

    /**
     * With a storage precision.
     *
     * @param p the precision
     * @return a new config
     */
    public CacheConfig<T> withPrecision(Precision p) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, saveDir, p, prebuilt);
    }

    /**
     * With per-encoder types.
     *
     * @param types encoder name → type
     * @return a new config
     */
    public CacheConfig<T> withMapping(Map<String, CacheType> types) {
        return new CacheConfig<>(cacheType, types, keyExtractors, batchSize, saveDir, precision, prebuilt);
    }

    /**
     * With per-encoder key extractors.
     *
     * @param extractors encoder name → extractor
     * @return a new config
     */
    public CacheConfig<T> withKeyExtractors(Map<String, KeyExtractor<T>> extractors) {
        return new CacheConfig<>(cacheType, mapping, extractors, batchSize, saveDir, precision, prebuilt);
    }

    /**
     * With caches built elsewhere: each named encoder's cache is opened from its directory (a Spark job's output) and
     * checked against the records the fit reads, instead of being filled.
     *
     * @param dirs encoder name → cache directory
     * @return a new config
     */
    public CacheConfig<T> withPrebuilt(Map<String, Path> dirs) {
        return new CacheConfig<>(cacheType, mapping, keyExtractors, batchSize, saveDir, precision, dirs);
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
