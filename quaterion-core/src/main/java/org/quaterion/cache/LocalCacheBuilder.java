package org.quaterion.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.models.encoders.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a standalone cache directory of one frozen encoder over keyed records in this JVM: the single-machine
 * counterpart of the Spark job, in the same format, for {@link CacheConfig#withPrebuilt}.
 */
public final class LocalCacheBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCacheBuilder.class);

    private LocalCacheBuilder() {}

    /**
     * Encodes every record and writes the cache atomically.
     *
     * @param dir the cache directory (replaced)
     * @param name the encoder's name in its model
     * @param encoder the frozen encoder
     * @param keys unique keys, one per record
     * @param records the records
     * @param batchSize records per forward pass
     * @param precision storage precision
     * @param <T> record type
     * @return the written manifest
     * @throws IOException when writing fails
     */
    public static <T> CacheManifest build(Path dir, String name, Encoder<T> encoder, List<String> keys,
            List<T> records, int batchSize, CacheConfig.Precision precision) throws IOException {
        return build(dir, name, encoder, keys, records, batchSize, precision, () -> false);
    }

    /**
     * Encodes every record and writes the cache atomically, abandoning the fill (nothing partial is kept) when
     * {@code stop} turns true.
     *
     * @param dir the cache directory (replaced)
     * @param name the encoder's name in its model
     * @param encoder the frozen encoder
     * @param keys unique keys, one per record
     * @param records the records
     * @param batchSize records per forward pass
     * @param precision storage precision
     * @param stop polled after every batch
     * @param <T> record type
     * @return the written manifest
     * @throws IOException when writing fails
     * @throws java.util.concurrent.CancellationException when stopped
     */
    public static <T> CacheManifest build(Path dir, String name, Encoder<T> encoder, List<String> keys,
            List<T> records, int batchSize, CacheConfig.Precision precision, java.util.function.BooleanSupplier stop)
            throws IOException {
        if (keys.size() != records.size()) {
            throw new IllegalArgumentException(keys.size() + " keys for " + records.size() + " records");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        Set<String> seen = new HashSet<>();
        for (String k : keys) {
            CacheShard.checkKey(k);
            if (!seen.add(k)) {
                throw new IllegalArgumentException("key '" + k + "' occurs twice; cache keys must be unique");
            }
        }
        List<String> hashes = new ArrayList<>(records.size());
        records.forEach(r -> hashes.add(RecordHash.of(r)));
        CacheManifest template = new CacheManifest(CacheShard.FORMAT, name, EncoderCache.encoderFingerprint(name,
                encoder), precision, batchSize, "", keys.size(), encoder.embeddingSize(), "local", List.of());
        long start = System.nanoTime();
        EncoderCache.fill(dir, encoder, keys, hashes, records, template, null, (done, total) -> {
            if (stop.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("stop requested after " + done + " of " + total
                        + " records; nothing partial was kept");
            }
        });
        LOG.info("cache of encoder '{}' written to {}: {} records in {} ms", name, dir, keys.size(),
                (System.nanoTime() - start) / 1000000);
        return CacheManifest.read(dir);
    }
}
