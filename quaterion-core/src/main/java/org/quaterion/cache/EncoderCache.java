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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached outputs of one frozen encoder: filled once (or loaded from {@code saveDir} when encoder, settings and
 * data still match, or opened from a prebuilt, e.g. Spark-built, cache), then looked up by key or by a key's position.
 * {@link CacheType#CPU} reads rows from the memory-mapped shards; AUTO and GPU copy the rows this fit uses into one
 * array on the training device once and gather each batch from it with one indexing op. Lookups are thread-safe; closing waits for those in flight, and a lookup after close
 * throws {@code IllegalStateException("EncoderCache is closed")}.
 */
public final class EncoderCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderCache.class);

    private final CloseGate gate = new CloseGate("EncoderCache");
    private final String name;
    private final EmbeddingStore store;
    private final Map<String, Integer> index;
    private final int[] storeRows;
    private final NDArray table;
    private final NDManager tableManager;
    private final Path temporary;

    private EncoderCache(String name, EmbeddingStore store, List<String> keys, NDManager device, CacheType type,
            Path temporary) {
        this.name = name;
        this.store = store;
        this.index = new HashMap<>(keys.size() * 4 / 3 + 1);
        this.storeRows = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), i);
            storeRows[i] = store.row(keys.get(i));
        }
        this.temporary = temporary;
        if (type == CacheType.CPU) {
            this.tableManager = null;
            this.table = null;
        } else {
            this.tableManager = device.newSubManager();
            this.table = store.rows(storeRows, tableManager);
        }
    }

    /**
     * Loads a matching persisted cache, fills a new one, or opens the prebuilt one named in the config (a Spark-built
     * cache, checked against the records: a changed encoder or record is refused).
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
        String encoderFingerprint = encoderFingerprint(name, encoder);
        List<String> hashes = new ArrayList<>(records.size());
        records.forEach(r -> hashes.add(RecordHash.of(r)));
        Path prebuilt = config.prebuilt().get(name);
        if (prebuilt != null) {
            EmbeddingStore store = PrebuiltCheck.open(prebuilt, name, encoderFingerprint, keys, hashes);
            return create(name, store, keys, device, type, null);
        }
        Path temporary = config.saveDir() == null ? Files.createTempDirectory("quaterion-cache-") : null;
        Path dir = temporary != null ? temporary.resolve(name) : config.saveDir().resolve("encoders").resolve(name);
        CacheManifest wanted = new CacheManifest(CacheShard.FORMAT, name, encoderFingerprint, config.precision(),
                config.batchSize(), DataFingerprint.of(keys, hashes), keys.size(), encoder.embeddingSize(), "local",
                List.of());
        try {
            String problem = temporary != null ? "new" : staleness(dir, wanted);
            if (problem == null) {
                LOG.info("cache of encoder '{}' loaded from {} ({} rows)", name, dir, keys.size());
            } else {
                if (temporary == null) {
                    LOG.info("filling the cache of encoder '{}' ({} records): {}", name, keys.size(), problem);
                }
                fill(dir, encoder, keys, hashes, records, wanted, device.getDevice(), progress);
            }
            return create(name, EmbeddingStore.open(dir), keys, device, type, temporary);
        } catch (IOException | RuntimeException e) {
            if (temporary != null) {
                AtomicDirectory.deleteRecursively(temporary); // a failed or stopped fill leaves nothing behind
            }
            throw e;
        }
    }

    private static EncoderCache create(String name, EmbeddingStore store, List<String> keys, NDManager device,
            CacheType type, Path temporary) throws IOException {
        try {
            return new EncoderCache(name, store, keys, device, type, temporary);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Why a persisted local cache cannot serve {@code wanted}, or null. */
    private static String staleness(Path dir, CacheManifest wanted) {
        String problem = EmbeddingStore.problem(dir);
        if (problem != null) {
            return problem;
        }
        CacheManifest m = CacheManifest.read(dir);
        if (!m.encoderFingerprint().equals(wanted.encoderFingerprint())) {
            return "the encoder changed (fingerprint mismatch)";
        }
        if (m.precision() != wanted.precision() || m.batchSize() != wanted.batchSize()) {
            return "the cache config changed (precision or fill batch size)";
        }
        if (!m.dataFingerprint().equals(wanted.dataFingerprint())) {
            return "the data changed (fingerprint mismatch)";
        }
        return null;
    }

    static <T> void fill(Path dir, Encoder<T> encoder, List<String> keys, List<String> hashes,
            List<T> records, CacheManifest template, ai.djl.Device device,
            java.util.function.BiConsumer<Integer, Integer> progress) throws IOException {
        int batchSize = template.batchSize();
        EmbeddingStore.write(dir, keys, hashes, template, sink -> {
            // the encoder's inputs on the model's device (the engine's default device may be another one)
            try (NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device)) {
                for (int start = 0; start < records.size(); start += batchSize) {
                    List<T> batch = records.subList(start, Math.min(records.size(), start + batchSize));
                    try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                        NDList collated = encoder.collate(batch, step);
                        sink.append(encoder.forward(collated, false));
                    }
                    progress.accept(Math.min(records.size(), start + batchSize), records.size());
                }
            }
        });
    }

    /**
     * SHA-256 over an encoder's name, type, embedding size, {@link Encoder#fingerprint()} (e.g. its collator) and
     * saved files: what a cache's rows depend on besides the records (and, for batch-dependent models, the fill
     * batch size).
     *
     * @param name the encoder's name in its model
     * @param encoder the encoder
     * @return the fingerprint in hex
     * @throws IOException when the encoder cannot be saved to a temporary directory
     */
    public static String encoderFingerprint(String name, Encoder<?> encoder) throws IOException {
        MessageDigest digest = ContentHash.sha256();
        ContentHash.update(digest, "encoder:" + name + ":" + encoder.typeName() + ":" + encoder.embeddingSize());
        ContentHash.update(digest, "behaviour:" + encoder.fingerprint());
        Path saved = Files.createTempDirectory("quaterion-fingerprint-");
        try {
            encoder.save(saved);
            for (Entry<String, String> e : new TreeMap<>(Checksums.ofTree(saved, List.of())).entrySet()) {
                ContentHash.update(digest, e.getKey() + "=" + e.getValue());
            }
        } finally {
            AtomicDirectory.deleteRecursively(saved);
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
        long[] positions = new long[keys.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = position(keys.get(i));
        }
        return rows(positions, manager);
    }

    /**
     * Where a key's embedding sits in this cache (its index in the fill order), for {@link #rows}: a caller that
     * reads the same keys every epoch resolves them once.
     *
     * @param key the key
     * @return the position, in {@code [0, keys)}
     * @throws IllegalArgumentException when the key is not in the cache
     */
    public int position(String key) {
        Integer r = index.get(key);
        if (r == null) {
            throw new IllegalArgumentException("key '" + key + "' is not in the cache of encoder '" + name + "'; the "
                    + "cache was filled from other data");
        }
        return r;
    }

    /**
     * The cached embeddings at positions (from {@link #position}). AUTO and GPU gather them from the table on the
     * training device in one indexing op (only the positions travel from the host); CPU reads them from the store.
     *
     * @param positions positions, each in {@code [0, keys)}
     * @param manager owns the result
     * @return {@code (positions.length, dim)} FLOAT32
     */
    public NDArray rows(long[] positions, NDManager manager) {
        for (long p : positions) {
            if (p < 0 || p >= storeRows.length) {
                throw new IllegalArgumentException("position " + p + " is outside the cache of encoder '" + name
                        + "' (" + storeRows.length + " rows); take positions from position(key)");
            }
        }
        try (CloseGate.Pass pass = gate.enter()) {
            if (table == null) {
                int[] rows = new int[positions.length];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = storeRows[(int) positions[i]];
                }
                return store.rows(rows, manager);
            }
            NDArray index = manager.create(positions);
            NDArray out = table.get(index.getDevice().equals(table.getDevice()) ? index
                    : index.toDevice(table.getDevice(), false));
            out.attach(manager); // the gather belongs to the caller's manager, not to the table's
            return out;
        }
    }

    /**
     * Number of cached rows.
     *
     * @return the count
     */
    public long size() {
        return store.rows();
    }

    /**
     * Frees the table and closes the store once the lookups in flight have ended (a temporary cache's directory is
     * deleted); a second close does nothing.
     */
    @Override
    public void close() {
        gate.close(() -> {
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
        });
    }

    @Override
    public String toString() {
        return "EncoderCache(" + name + ", " + store.rows() + " rows)";
    }
}
