package org.quaterion.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.quaterion.models.io.JsonFiles;

/**
 * One encoder's cached embeddings on disk, memory-mapped for reading (a cache larger than the Java heap works):
 * <ul>
 *   <li>{@code embeddings.bin}: a 32-byte header (magic {@code QCACHE01}, format version, dtype 0 = float32 /
 *       1 = float16, rows, dim; little-endian) then {@code rows × dim} values, row-major;</li>
 *   <li>{@code keys.txt}: one key per row, UTF-8;</li>
 *   <li>{@code cache.json}: the fingerprint of encoder, data and config, and the SHA-256 of both files.</li>
 * </ul>
 * The directory is written to a temporary sibling and renamed. Opening checks the header, the length and the
 * checksums, so a truncated or corrupt cache is detected (and rebuilt by the caller).
 */
public final class EmbeddingStore implements AutoCloseable {

    /** The on-disk format version. */
    public static final int FORMAT = 1;

    private static final byte[] MAGIC = "QCACHE01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 32;
    private static final String DATA = "embeddings.bin";
    private static final String KEYS = "keys.txt";
    private static final String META = "cache.json";

    private final FileChannel channel;
    private final List<MappedByteBuffer> segments;
    private final long rows;
    private final int dim;
    private final CacheConfig.Precision precision;
    private final int rowsPerSegment;
    private final List<String> keys;

    private EmbeddingStore(FileChannel channel, long rows, int dim, CacheConfig.Precision precision, List<String> keys)
            throws IOException {
        this.channel = channel;
        this.rows = rows;
        this.dim = dim;
        this.precision = precision;
        this.keys = keys;
        int rowBytes = rowBytes(dim, precision);
        this.rowsPerSegment = Math.max(1, Integer.MAX_VALUE / rowBytes);
        this.segments = new ArrayList<>();
        for (long start = 0; start < rows; start += rowsPerSegment) {
            long count = Math.min(rowsPerSegment, rows - start);
            segments.add(channel.map(FileChannel.MapMode.READ_ONLY, HEADER + start * rowBytes, count * rowBytes));
        }
    }

    private static int rowBytes(int dim, CacheConfig.Precision precision) {
        return dim * (precision == CacheConfig.Precision.FLOAT16 ? 2 : 4);
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
     * Writes a store atomically.
     *
     * @param dir the store directory (replaced)
     * @param keys one key per row
     * @param dim embedding size
     * @param precision storage precision
     * @param fingerprint what the rows were computed from
     * @param filler produces the rows
     * @throws IOException when writing fails
     */
    public static void write(Path dir, List<String> keys, int dim, CacheConfig.Precision precision,
            String fingerprint, Filler filler) throws IOException {
        for (String k : keys) {
            if (k.indexOf('\n') >= 0 || k.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("cache key contains a line break: " + k);
            }
        }
        AtomicDirectory.write(dir, tmp -> {
            Path data = tmp.resolve(DATA);
            long[] written = {0};
            try (FileChannel out = FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(header(0, dim, precision));
                filler.fill(embeddings -> {
                    if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(1) != dim) {
                        throw new IllegalArgumentException("cache rows must be (b, " + dim + "), got "
                                + embeddings.getShape());
                    }
                    DataType type = precision == CacheConfig.Precision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
                    ByteBuffer bytes = embeddings.toType(type, false).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    try {
                        while (bytes.hasRemaining()) {
                            out.write(bytes);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    written[0] += embeddings.getShape().get(0);
                });
                if (written[0] != keys.size()) {
                    throw new IllegalStateException("the cache fill wrote " + written[0] + " rows for " + keys.size()
                            + " keys");
                }
                out.write(header(written[0], dim, precision), 0);
            }
            Files.write(tmp.resolve(KEYS), keys, StandardCharsets.UTF_8);
            JsonObject meta = new JsonObject();
            meta.addProperty("format", FORMAT);
            meta.addProperty("fingerprint", fingerprint);
            meta.addProperty("rows", keys.size());
            meta.addProperty("dim", dim);
            meta.addProperty("precision", precision.name());
            meta.addProperty(DATA, Checksums.sha256(data));
            meta.addProperty(KEYS, Checksums.sha256(tmp.resolve(KEYS)));
            JsonFiles.write(tmp.resolve(META), meta);
        });
    }

    private static ByteBuffer header(long rows, int dim, CacheConfig.Precision precision) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(FORMAT).putInt(precision == CacheConfig.Precision.FLOAT16 ? 1 : 0).putLong(rows)
                .putInt(dim).putInt(0);
        h.flip();
        return h;
    }

    /**
     * Why a store cannot be used, or null when it can.
     *
     * @param dir the store directory
     * @param fingerprint the expected fingerprint
     * @return a reason, or null
     */
    public static String problem(Path dir, String fingerprint) {
        Path meta = dir.resolve(META);
        if (!Files.isRegularFile(meta)) {
            return "no cache at " + dir;
        }
        try {
            JsonObject m = JsonFiles.read(meta);
            if (m.get("format").getAsInt() != FORMAT) {
                return "cache format " + m.get("format") + " is not " + FORMAT;
            }
            if (!fingerprint.equals(m.get("fingerprint").getAsString())) {
                return "the encoder, the data or the cache config changed (fingerprint mismatch)";
            }
            for (String file : new String[] {DATA, KEYS}) {
                Path p = dir.resolve(file);
                if (!Files.isRegularFile(p) || !Checksums.sha256(p).equals(m.get(file).getAsString())) {
                    return file + " is missing, truncated or corrupt (checksum mismatch)";
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cache.json is unreadable (" + e.getMessage() + ")";
        }
    }

    /**
     * Opens a valid store (check {@link #problem} first).
     *
     * @param dir the store directory
     * @return the memory-mapped store
     * @throws IOException when reading fails
     */
    public static EmbeddingStore open(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(DATA), StandardOpenOption.READ);
        try {
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(h, 0);
            h.flip();
            byte[] magic = new byte[MAGIC.length];
            h.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC) || h.getInt() != FORMAT) {
                throw new IllegalArgumentException(dir.resolve(DATA) + " is not a cache file of format " + FORMAT);
            }
            CacheConfig.Precision precision = h.getInt() == 1 ? CacheConfig.Precision.FLOAT16
                    : CacheConfig.Precision.FLOAT32;
            long rows = h.getLong();
            int dim = h.getInt();
            if (channel.size() != HEADER + rows * rowBytes(dim, precision)) {
                throw new IllegalArgumentException(dir.resolve(DATA) + " has " + channel.size() + " bytes, expected "
                        + (HEADER + rows * rowBytes(dim, precision)));
            }
            List<String> keys = Files.readAllLines(dir.resolve(KEYS), StandardCharsets.UTF_8);
            if (keys.size() != rows) {
                throw new IllegalArgumentException(dir.resolve(KEYS) + " has " + keys.size() + " keys for " + rows
                        + " rows");
            }
            return new EmbeddingStore(channel, rows, dim, precision, keys);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
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
     * Rows stored.
     *
     * @return the count
     */
    public long rows() {
        return rows;
    }

    /**
     * Embedding size.
     *
     * @return the dimension
     */
    public int dim() {
        return dim;
    }

    /**
     * Copies rows out of the mapped file into a float32 array.
     *
     * @param indices row numbers
     * @param manager owns the result
     * @return {@code (indices.length, dim)} FLOAT32
     */
    public NDArray rows(int[] indices, NDManager manager) {
        int rowBytes = rowBytes(dim, precision);
        ByteBuffer out = ByteBuffer.allocateDirect(indices.length * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r : indices) {
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("cache row " + r + " out of range [0, " + rows + ")");
            }
            MappedByteBuffer segment = segments.get(r / rowsPerSegment);
            int offset = (r % rowsPerSegment) * rowBytes;
            out.put(segment.slice(offset, rowBytes));
        }
        out.flip();
        return toFloat32(manager.create(out, new Shape(indices.length, dim), dataType()));
    }

    /**
     * Every row, as one float32 array (for caches kept on the training device).
     *
     * @param manager owns the result
     * @return {@code (rows, dim)} FLOAT32
     */
    public NDArray all(NDManager manager) {
        int[] all = new int[(int) rows];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return rows(all, manager);
    }

    private DataType dataType() {
        return precision == CacheConfig.Precision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
    }

    private static NDArray toFloat32(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
