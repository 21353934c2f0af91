package org.quaterion.cache;

/** Where cached embeddings live during training (Quaterion's {@code CacheType}). */
public enum CacheType {
    /** On the training device (the default; on a CPU-only machine, native memory). */
    AUTO,
    /** Memory-mapped from the cache file: works for caches larger than the Java heap and RAM. */
    CPU,
    /** On the training device, which must be a GPU. */
    GPU,
    /** Not cached. */
    NONE
}
