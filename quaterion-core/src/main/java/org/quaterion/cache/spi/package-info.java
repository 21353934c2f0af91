/**
 * The cache's on-disk shard format for builders that run outside this JVM's training, such as quaterion-spark's
 * {@code SparkCacheJob}: a builder writes {@link org.quaterion.cache.spi.CacheShard} files with a
 * {@link org.quaterion.cache.spi.CacheShard.Writer}, sums the rows' {@link org.quaterion.cache.spi.DataFingerprint},
 * and lists the shards in a {@code CacheManifest}; the cache package reads them back with the same checks. Training
 * code configures caches through {@code CacheConfig} and needs nothing here.
 */
package org.quaterion.cache.spi;
