package org.quaterion.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached outputs of one frozen encoder: filled once (or loaded from {@code saveDir} when its fingerprint still
 * matches), then looked up by key. {@link CacheType#CPU} reads rows from the memory-mapped file; AUTO and GPU keep
 * the whole table as one array on the training device and gather from it.
 */
public final class EncoderCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderCache.class);

    private final String name;
    private final EmbeddingStore store;
    private final Map<String, Integer> rowOf;
    private final NDArray table;
    private final NDManager tableManager;
    private final Path temporary;

    private EncoderCache(String name, EmbeddingStore store, NDArray table, NDManager tableManager, Path temporary) {
        this.name = name;
        this.store = store;
        this.rowOf = new HashMap<>();
        List<String> keys = store.keys();
        for (int i = 0; i < keys.size(); i++) {
            rowOf.put(keys.get(i), i);
        }
        this.table = table;
        this.tableManager = tableManager;
        this.temporary = temporary;
    }

    /**
     * Loads a matching persisted cache or fills a new one.
     *
     * @param name the encoder name
     * @param encoder the frozen encoder
     * @param keys unique keys, in fill order
     * @param records one record per key
     * @param config the cache config
     * @param type this encoder's cache type
     * @param device the training device's manager (for AUTO / GPU tables)
     * @param progress called with (done, total) records while filling
     * @param <T> record type
     * @return the cache
     * @throws IOException when reading or writing fails
     */
    public static <T> EncoderCache build(String name, Encoder<T> encoder, List<String> keys, List<T> records,
            CacheConfig<T> config, CacheType type, NDManager device, java.util.function.BiConsumer<Integer, Integer>
            progress) throws IOException {
        if (encoder.trainable()) {
            throw new IllegalArgumentException("encoder '" + name + "' is trainable and cannot be cached; remove it "
                    + "from the cache mapping or freeze it");
        }
        if (type == CacheType.GPU && !device.getDevice().isGpu()) {
            throw new IllegalArgumentException("cache type GPU for encoder '" + name + "' but training runs on "
                    + device.getDevice() + "; use AUTO or CPU");
        }
        String fingerprint = fingerprint(name, encoder, keys, records, config);
        Path temporary = config.saveDir() == null ? Files.createTempDirectory("quaterion-cache-") : null;
        Path dir = temporary != null ? temporary.resolve(name) : config.saveDir().resolve("encoders").resolve(name);
        String problem = EmbeddingStore.problem(dir, fingerprint);
        if (problem == null) {
            LOG.info("cache of encoder '{}' loaded from {} ({} rows)", name, dir, keys.size());
        } else {
            if (temporary == null) {
                LOG.info("filling the cache of encoder '{}' ({} records): {}", name, keys.size(), problem);
            }
            fill(dir, encoder, keys, records, config, fingerprint, progress);
        }
        EmbeddingStore store = EmbeddingStore.open(dir);
        NDManager tableManager = null;
        NDArray table = null;
        if (type != CacheType.CPU) {
            tableManager = device.newSubManager();
            table = store.all(tableManager);
        }
        return new EncoderCache(name, store, table, tableManager, temporary);
    }

    private static <T> void fill(Path dir, Encoder<T> encoder, List<String> keys, List<T> records,
            CacheConfig<T> config, String fingerprint, java.util.function.BiConsumer<Integer, Integer> progress)
            throws IOException {
        EmbeddingStore.write(dir, keys, encoder.embeddingSize(), config.precision(), fingerprint, sink -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                for (int start = 0; start < records.size(); start += config.batchSize()) {
                    List<T> batch = records.subList(start, Math.min(records.size(), start + config.batchSize()));
                    try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                        NDList collated = encoder.collate(batch, step);
                        sink.append(encoder.forward(collated, false));
                    }
                    progress.accept(Math.min(records.size(), start + config.batchSize()), records.size());
                }
            }
        });
    }

    /** SHA-256 over the encoder (name, type, size, saved files), the keys and records, and the storage config. */
    private static <T> String fingerprint(String name, Encoder<T> encoder, List<String> keys, List<T> records,
            CacheConfig<T> config) throws IOException {
        MessageDigest digest = ContentHash.sha256();
        ContentHash.update(digest, "encoder:" + name + ":" + encoder.typeName() + ":" + encoder.embeddingSize());
        Path saved = Files.createTempDirectory("quaterion-fingerprint-");
        try {
            encoder.save(saved);
            for (Entry<String, String> e : new TreeMap<>(Checksums.ofTree(saved, List.of())).entrySet()) {
                ContentHash.update(digest, e.getKey() + "=" + e.getValue());
            }
        } finally {
            AtomicDirectory.deleteRecursively(saved);
        }
        // the fill batch matters for models whose output depends on the batch (int8 quantised transformers)
        ContentHash.update(digest, "precision:" + config.precision() + ":batch:" + config.batchSize());
        for (int i = 0; i < keys.size(); i++) {
            ContentHash.update(digest, keys.get(i));
            ContentHash.update(digest, records.get(i));
        }
        return ContentHash.hex(digest.digest());
    }

    /**
     * The cached embeddings of keys.
     *
     * @param keys the keys
     * @param manager owns the result
     * @return {@code (keys.size(), dim)} FLOAT32
     */
    public NDArray lookup(List<String> keys, NDManager manager) {
        int[] rows = new int[keys.size()];
        for (int i = 0; i < rows.length; i++) {
            Integer r = rowOf.get(keys.get(i));
            if (r == null) {
                throw new IllegalArgumentException("key '" + keys.get(i) + "' is not in the cache of encoder '" + name
                        + "'; the cache was filled from other data");
            }
            rows[i] = r;
        }
        if (table == null) {
            return store.rows(rows, manager);
        }
        NDArray out = table.get(manager.create(rows).toType(ai.djl.ndarray.types.DataType.INT64, false));
        return out;
    }

    /**
     * Number of cached rows.
     *
     * @return the count
     */
    public long size() {
        return store.rows();
    }

    @Override
    public void close() {
        try {
            store.close();
            if (tableManager != null) {
                tableManager.close();
            }
            if (temporary != null) {
                AtomicDirectory.deleteRecursively(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the cache of encoder '" + name + "'", e);
        }
    }

    @Override
    public String toString() {
        return "EncoderCache(" + name + ", " + store.rows() + " rows)";
    }
}
