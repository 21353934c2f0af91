package org.quaterion.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.io.ArtifactFiles;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * One encoder's cached embeddings on disk: a {@link CacheManifest} ({@code cache.json}) and one or more
 * {@link CacheShard}s, memory-mapped for reading (a cache larger than the Java heap works; only keys and record
 * hashes live in the heap). A single-machine fill writes one shard; a Spark job writes one per partition, in the same
 * format. {@link #problem} verifies the manifest, every header and every checksum; {@link #open} maps the shards.
 * Reads are thread-safe; closing waits for those in flight, and a read after close throws
 * {@code IllegalStateException("EmbeddingStore is closed")}.
 */
public final class EmbeddingStore implements AutoCloseable {

    /** The artifact kind in a store's marker: a write replaces only an empty directory or another store. */
    public static final String KIND = "embedding-cache";

    /** The name of the single shard a local fill writes. */
    static final String LOCAL_SHARD = "part-00000";

    /** One mapped shard. */
    private static final class Mapped {
        final FileChannel channel;
        final List<MappedByteBuffer> segments = new ArrayList<>();
        final int rowsPerSegment;

        Mapped(FileChannel channel, long rows, int rowBytes) throws IOException {
            this.channel = channel;
            this.rowsPerSegment = Math.max(1, Integer.MAX_VALUE / rowBytes);
            for (long start = 0; start < rows; start += rowsPerSegment) {
                long count = Math.min(rowsPerSegment, rows - start);
                segments.add(channel.map(FileChannel.MapMode.READ_ONLY, CacheShard.HEADER + start * rowBytes,
                        count * rowBytes));
            }
        }
    }

    /** The most rows one store holds: its keys live in one list and its record hashes in one array. */
    static final int MAX_ROWS = (Integer.MAX_VALUE - 8) / 2;

    private final CloseGate gate = new CloseGate("EmbeddingStore");
    private final CacheManifest manifest;
    private final List<Mapped> shards;
    private final long[] firstRow;
    private final int rowBytes;
    private final List<String> keys;
    private final long[] hashes;
    private Map<String, Integer> rowOf;

    private EmbeddingStore(CacheManifest manifest, List<Mapped> shards, long[] firstRow, List<String> keys,
            long[] hashes) {
        this.manifest = manifest;
        this.shards = shards;
        this.firstRow = firstRow;
        this.rowBytes = CacheShard.rowBytes(manifest.dim(), manifest.precision().dataType());
        this.keys = keys;
        this.hashes = hashes;
    }

    /** Receives embeddings, in key order, while a store is written. */
    public interface Sink {
        /**
         * Appends rows.
         *
         * @param embeddings {@code (b, dim)}
         */
        void append(NDArray embeddings);
    }

    /** Produces a store's rows. */
    @FunctionalInterface
    public interface Filler {
        /**
         * Writes every row, in the order of the keys.
         *
         * @param sink where rows go
         * @throws IOException when producing fails
         */
        void fill(Sink sink) throws IOException;
    }

    /**
     * Writes a single-shard store atomically (the directory appears complete or not at all).
     *
     * @param dir the store directory (replaced)
     * @param keys one key per row
     * @param recordHashes one {@link RecordHash} per row
     * @param template the manifest's encoder, settings and builder (its data fingerprint, rows and shards are
     *     computed here)
     * @param filler produces the rows
     * @throws IOException when writing fails
     */
    static void write(Path dir, List<String> keys, List<String> recordHashes, CacheManifest template,
            Filler filler) throws IOException {
        keys.forEach(CacheShard::checkKey);
        AtomicDirectory.write(dir, KIND, tmp -> {
            CacheShard.Info info;
            int[] next = {0};
            try (CacheShard.Writer writer = new CacheShard.Writer(tmp.resolve(LOCAL_SHARD + CacheShard.DATA),
                    tmp.resolve(LOCAL_SHARD + CacheShard.KEYS), template.dim(), template.precision().dataType())) {
                filler.fill(embeddings -> {
                    int b = Math.toIntExact(embeddings.getShape().get(0));
                    if (next[0] + b > keys.size()) {
                        throw new IllegalStateException("the cache fill wrote more rows than the " + keys.size()
                                + " keys");
                    }
                    try {
                        writer.append(keys.subList(next[0], next[0] + b), recordHashes.subList(next[0], next[0] + b),
                                embeddings);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    next[0] += b;
                });
                if (next[0] != keys.size()) {
                    throw new IllegalStateException("the cache fill wrote " + next[0] + " rows for " + keys.size()
                            + " keys");
                }
                info = writer.finish(LOCAL_SHARD);
            }
            new CacheManifest(CacheShard.FORMAT, template.encoder(), template.encoderFingerprint(),
                    template.precision(), template.batchSize(), DataFingerprint.of(keys, recordHashes), keys.size(),
                    template.dim(), template.builtBy(), List.of(info)).write(tmp);
        });
    }

    /**
     * Why a store cannot be used, or null when it is intact: a missing or malformed manifest, another format, or a
     * shard whose header, length or checksum does not match (reads every byte once). The reason names the file.
     *
     * @param dir the store directory
     * @return a reason, or null
     */
    public static String problem(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CacheManifest.FILE))) {
            return "no cache at " + dir;
        }
        CacheManifest m;
        try {
            m = CacheManifest.read(dir);
        } catch (ModelFormatException e) {
            return e.getMessage();
        }
        for (CacheShard.Info shard : m.shards()) {
            Path data = dir.resolve(shard.name() + CacheShard.DATA);
            Path keyFile = dir.resolve(shard.name() + CacheShard.KEYS);
            try {
                ArtifactFiles.requireRegularFile(data, CacheShard.FIX);
                try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
                    CacheShard.Header h = CacheShard.readHeader(data, channel);
                    String mismatch = mismatch(h, shard, m);
                    if (mismatch != null) {
                        return data + " " + mismatch;
                    }
                    if (!sha256(channel, CacheShard.HEADER).equals(shard.dataSha256())) {
                        return data + " is corrupt (checksum mismatch)";
                    }
                }
                ArtifactFiles.requireRegularFile(keyFile, CacheShard.FIX);
                try (InputStream in = Files.newInputStream(keyFile)) {
                    if (!sha256(in).equals(shard.keysSha256())) {
                        return keyFile + " is corrupt (checksum mismatch)";
                    }
                }
            } catch (ModelFormatException e) {
                return e.getMessage();
            } catch (IOException e) {
                return "shard " + data + " cannot be read (" + e + ")";
            }
        }
        return null;
    }

    /** How a shard's header disagrees with the manifest, or null. */
    private static String mismatch(CacheShard.Header h, CacheShard.Info shard, CacheManifest m) {
        if (h.rows() != shard.rows() || h.dim() != m.dim() || h.type() != m.precision().dataType()) {
            return "holds " + h.rows() + " rows of " + h.dim() + " " + h.type() + ", " + CacheManifest.FILE
                    + " says " + shard.rows() + " rows of " + m.dim() + " " + m.precision().dataType();
        }
        return null;
    }

    private static String sha256(FileChannel channel, long from) throws IOException {
        MessageDigest digest = ContentHash.sha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long position = from;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n < 0) {
                break;
            }
            position += n;
            buffer.flip();
            digest.update(buffer);
        }
        return ContentHash.hex(digest.digest());
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest = ContentHash.sha256();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0;) {
            digest.update(buffer, 0, n);
        }
        return ContentHash.hex(digest.digest());
    }

    /**
     * Opens a store (check {@link #problem} first, which verifies the checksums): maps every shard and reads the keys
     * and record hashes. Headers, lengths and key lines are checked here too, before anything is allocated for them.
     *
     * @param dir the store directory
     * @return the memory-mapped store
     * @throws IOException when reading fails
     * @throws ModelFormatException naming the file when the store is malformed (a {@link CorruptArtifactException}
     *     when damaged)
     */
    public static EmbeddingStore open(Path dir) throws IOException {
        CacheManifest m = CacheManifest.read(dir);
        if (m.rows() > MAX_ROWS) {
            throw new ModelFormatException(dir.resolve(CacheManifest.FILE), "lists " + m.rows() + " rows, more than "
                    + "the " + MAX_ROWS + " one store can address; split the corpus into several caches");
        }
        List<Mapped> mapped = new ArrayList<>();
        long[] firstRow = new long[m.shards().size() + 1];
        // sized by what the files hold, never by a count a damaged manifest declares
        List<String> keys = new ArrayList<>();
        long[][] hashes = {new long[0]};
        try {
            for (int s = 0; s < m.shards().size(); s++) {
                CacheShard.Info shard = m.shards().get(s);
                Path data = ArtifactFiles.requireRegularFile(dir.resolve(shard.name() + CacheShard.DATA),
                        CacheShard.FIX);
                FileChannel channel = FileChannel.open(data, StandardOpenOption.READ);
                try {
                    CacheShard.Header h = CacheShard.readHeader(data, channel);
                    String mismatch = mismatch(h, shard, m);
                    if (mismatch != null) {
                        throw new CorruptArtifactException(data, mismatch + "; " + CacheShard.FIX);
                    }
                    mapped.add(new Mapped(channel, h.rows(), CacheShard.rowBytes(m.dim(), m.precision().dataType())));
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                firstRow[s + 1] = firstRow[s] + shard.rows();
                hashes[0] = readKeys(dir.resolve(shard.name() + CacheShard.KEYS), keys, hashes[0], shard.rows());
            }
        } catch (IOException | RuntimeException e) {
            for (Mapped x : mapped) {
                x.channel.close();
            }
            throw e;
        }
        return new EmbeddingStore(m, mapped, firstRow, keys, hashes[0]);
    }

    /**
     * Appends a keys file's keys and record hashes (two longs per row, the array grown as lines are read).
     *
     * @return the hashes array, possibly grown
     */
    private static long[] readKeys(Path file, List<String> keys, long[] hashes, long expected) throws IOException {
        int before = keys.size();
        long[] out = hashes;
        try (ArtifactFiles.Lines lines = new ArtifactFiles.Lines(file, CacheShard.MAX_KEYS_LINE_BYTES, null,
                CacheShard.FIX)) {
            for (String line; (line = lines.next()) != null;) {
                if (keys.size() - before == expected) {
                    throw new CorruptArtifactException(file, "has more keys than its shard's " + expected + " rows; "
                            + CacheShard.FIX);
                }
                int tab = line.lastIndexOf('\t');
                if (tab < 0 || line.length() - tab - 1 != 32 || !isHex(line, tab + 1)) {
                    throw new CorruptArtifactException(file, "line " + lines.count() + " is not 'key<TAB>record "
                            + "hash' (32 hexadecimal digits); " + CacheShard.FIX);
                }
                int row = keys.size();
                if (2 * row + 2 > out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(2L * MAX_ROWS, Math.max(64, 2L * out.length)));
                }
                out[2 * row] = Long.parseUnsignedLong(line, tab + 1, tab + 17, 16);
                out[2 * row + 1] = Long.parseUnsignedLong(line, tab + 17, tab + 33, 16);
                keys.add(line.substring(0, tab));
            }
        }
        if (keys.size() - before != expected) {
            throw new CorruptArtifactException(file, "has " + (keys.size() - before) + " keys for " + expected
                    + " rows (truncated or damaged); " + CacheShard.FIX);
        }
        return out;
    }

    private static boolean isHex(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The manifest.
     *
     * @return what the store was built from
     */
    public CacheManifest manifest() {
        return manifest;
    }

    /**
     * The keys, one per row.
     *
     * @return the keys
     */
    public List<String> keys() {
        return keys;
    }

    /**
     * Whether a row was computed from a record with this {@link RecordHash}.
     *
     * @param row the row
     * @param recordHash the expected hash
     * @return true when equal
     */
    boolean hashMatches(int row, String recordHash) {
        return recordHash.length() == 32
                && hashes[2 * row] == Long.parseUnsignedLong(recordHash, 0, 16, 16)
                && hashes[2 * row + 1] == Long.parseUnsignedLong(recordHash, 16, 32, 16);
    }

    /**
     * The row of a key (the key → row map is built on first use).
     *
     * @param key the key
     * @return the row, or -1 when the store lacks it
     * @throws IllegalArgumentException when the store holds the key twice
     */
    public synchronized int row(String key) {
        if (rowOf == null) {
            Map<String, Integer> map = new HashMap<>(Math.max(16, keys.size() * 4 / 3 + 1));
            for (int i = 0; i < keys.size(); i++) {
                Integer previous = map.put(keys.get(i), i);
                if (previous != null) {
                    throw new IllegalArgumentException("the cache holds key '" + keys.get(i) + "' twice (rows "
                            + previous + " and " + i + "); keys must be unique: deduplicate the data and rebuild");
                }
            }
            rowOf = map;
        }
        Integer r = rowOf.get(key);
        return r == null ? -1 : r;
    }

    /**
     * Rows stored.
     *
     * @return the count
     */
    public long rows() {
        return manifest.rows();
    }

    /**
     * Embedding size.
     *
     * @return the dimension
     */
    public int embeddingSize() {
        return manifest.dim();
    }

    /**
     * Copies rows out of the mapped shards into a float32 array.
     *
     * @param indices row numbers
     * @param manager owns the result
     * @return {@code (indices.length, dim)} FLOAT32
     */
    public NDArray rows(int[] indices, NDManager manager) {
        try (CloseGate.Pass pass = gate.enter()) {
            return copyRows(indices, manager);
        }
    }

    private NDArray copyRows(int[] indices, NDManager manager) {
        ByteBuffer out = ByteBuffer.allocateDirect(indices.length * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r : indices) {
            if (r < 0 || r >= manifest.rows()) {
                throw new IllegalArgumentException("cache row " + r + " out of range [0, " + manifest.rows() + ")");
            }
            int s = Arrays.binarySearch(firstRow, r);
            s = s >= 0 ? s : -s - 2;
            while (firstRow[s + 1] == firstRow[s]) {
                s++; // skip empty shards
            }
            Mapped shard = shards.get(s);
            int local = (int) (r - firstRow[s]);
            out.put(shard.segments.get(local / shard.rowsPerSegment).slice((local % shard.rowsPerSegment) * rowBytes,
                    rowBytes));
        }
        out.flip();
        DataType type = manifest.precision().dataType();
        NDArray a = manager.create(out, new Shape(indices.length, manifest.dim()), type);
        return type == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }

    /**
     * Closes the shard files once the reads in flight have ended; later reads throw
     * {@code IllegalStateException("EmbeddingStore is closed")}, a second close does nothing.
     *
     * @throws IOException when closing a file fails
     */
    @Override
    public void close() throws IOException {
        IOException[] first = new IOException[1];
        gate.close(() -> {
            for (Mapped m : shards) {
                try {
                    m.channel.close();
                } catch (IOException e) {
                    first[0] = first[0] == null ? e : first[0];
                }
            }
        });
        if (first[0] != null) {
            throw first[0];
        }
    }
}
