package org.quaterion.cache;

/**
 * The cache key of a record: records with equal keys share one cached embedding. Keys must be stable across runs
 * (no identity hash codes) and contain no line breaks.
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface KeyExtractor<T> {

    /**
     * The key.
     *
     * @param record the record
     * @return a stable key
     */
    String key(T record);
}
