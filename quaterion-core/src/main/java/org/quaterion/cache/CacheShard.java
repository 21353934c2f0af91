package org.quaterion.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * One shard of a cache: {@code <name>.bin} (a 32-byte header: magic {@code QCACHE02}, format version, dtype
 * 0 = float32 / 1 = float16, rows, dim; little-endian; then {@code rows × dim} values, row-major) and
 * {@code <name>.keys} (one {@code key<TAB>record hash} line per row, UTF-8). A single-machine cache is one shard; a
 * Spark-built cache has one per partition. The store's {@code cache.json} lists the shards with their checksums.
 */
public final class CacheShard {

    /** The on-disk format version (header and manifest). */
    public static final int FORMAT = 2;
    /** Suffix of a shard's embeddings file. */
    public static final String DATA = ".bin";
    /** Suffix of a shard's keys file. */
    public static final String KEYS = ".keys";
    static final int HEADER = 32;
    private static final byte[] MAGIC = "QCACHE02".getBytes(StandardCharsets.US_ASCII);

    private CacheShard() {}

    /**
     * What a written shard holds.
     *
     * @param name the shard name (files {@code name.bin} and {@code name.keys})
     * @param rows rows written
     * @param dataSha256 SHA-256 of the embedding values (the bytes after the header)
     * @param keysSha256 SHA-256 of the keys file
     */
    public record Info(String name, long rows, String dataSha256, String keysSha256) implements java.io.Serializable {

        /**
         * As JSON.
         *
         * @return the object
         */
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("name", name);
            o.addProperty("rows", rows);
            o.addProperty("data_sha256", dataSha256);
            o.addProperty("keys_sha256", keysSha256);
            return o;
        }

        /**
         * From JSON.
         *
         * @param o the object written by {@link #toJson}
         * @return the info
         */
        public static Info fromJson(JsonObject o) {
            return new Info(o.get("name").getAsString(), o.get("rows").getAsLong(), o.get("data_sha256").getAsString(),
                    o.get("keys_sha256").getAsString());
        }
    }

    /** Header fields of a shard's embeddings file. */
    record Header(long rows, int dim, CacheConfig.Precision precision) {}

    static int rowBytes(int dim, CacheConfig.Precision precision) {
        return dim * (precision == CacheConfig.Precision.FLOAT16 ? 2 : 4);
    }

    static ByteBuffer header(long rows, int dim, CacheConfig.Precision precision) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(FORMAT).putInt(precision == CacheConfig.Precision.FLOAT16 ? 1 : 0).putLong(rows)
                .putInt(dim).putInt(0);
        h.flip();
        return h;
    }

    /** Reads and checks the header of a shard's embeddings file (format, and the length it implies). */
    static Header readHeader(Path file, FileChannel channel) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(h, 0);
        h.flip();
        byte[] magic = new byte[MAGIC.length];
        if (h.remaining() < HEADER) {
            throw new IllegalArgumentException(file + " is shorter than a cache header");
        }
        h.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC) || h.getInt() != FORMAT) {
            throw new IllegalArgumentException(file + " is not a cache shard of format " + FORMAT);
        }
        CacheConfig.Precision precision = h.getInt() == 1 ? CacheConfig.Precision.FLOAT16
                : CacheConfig.Precision.FLOAT32;
        long rows = h.getLong();
        int dim = h.getInt();
        long expected = HEADER + rows * rowBytes(dim, precision);
        if (channel.size() != expected) {
            throw new IllegalArgumentException(file + " has " + channel.size() + " bytes, its header says " + expected);
        }
        return new Header(rows, dim, precision);
    }

    /**
     * Rejects keys a keys file cannot hold.
     *
     * @param key the key
     */
    public static void checkKey(String key) {
        if (key == null || key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0 || key.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("cache key " + (key == null ? "null" : "'" + key + "'")
                    + " is null or contains a tab or line break; keys must be single-line text without tabs");
        }
    }

    /**
     * Writes one shard under any file names (a caller renames them into place), hashing as it goes.
     * Not thread-safe.
     */
    public static final class Writer implements AutoCloseable {
        private final FileChannel data;
        private final BufferedWriter keys;
        private final MessageDigest dataDigest = ContentHash.sha256();
        private final MessageDigest keysDigest = ContentHash.sha256();
        private final int dim;
        private final CacheConfig.Precision precision;
        private long rows;
        private boolean finished;

        /**
         * Creates both files (they must not exist).
         *
         * @param dataFile the embeddings file
         * @param keysFile the keys file
         * @param dim embedding size
         * @param precision storage precision
         * @throws IOException when the files cannot be created
         */
        public Writer(Path dataFile, Path keysFile, int dim, CacheConfig.Precision precision) throws IOException {
            this.dim = dim;
            this.precision = precision;
            this.data = FileChannel.open(dataFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                this.keys = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(
                        Files.newOutputStream(keysFile, StandardOpenOption.CREATE_NEW), keysDigest),
                        StandardCharsets.UTF_8));
                data.write(header(0, dim, precision));
            } catch (IOException | RuntimeException e) {
                data.close();
                throw e;
            }
        }

        /**
         * Appends rows.
         *
         * @param rowKeys one key per row
         * @param recordHashes one {@link RecordHash} per row
         * @param embeddings {@code (rowKeys.size(), dim)}
         * @throws IOException when writing fails
         */
        public void append(List<String> rowKeys, List<String> recordHashes, NDArray embeddings) throws IOException {
            if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(1) != dim
                    || embeddings.getShape().get(0) != rowKeys.size() || recordHashes.size() != rowKeys.size()) {
                throw new IllegalArgumentException("cache rows must be (" + rowKeys.size() + ", " + dim + ") with one "
                        + "key and record hash each, got " + embeddings.getShape() + " for " + rowKeys.size() + " keys");
            }
            DataType type = precision == CacheConfig.Precision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
            ByteBuffer bytes = embeddings.toType(type, false).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            dataDigest.update(bytes.duplicate());
            while (bytes.hasRemaining()) {
                data.write(bytes);
            }
            for (int i = 0; i < rowKeys.size(); i++) {
                checkKey(rowKeys.get(i));
                keys.write(rowKeys.get(i));
                keys.write('\t');
                keys.write(recordHashes.get(i));
                keys.write('\n');
            }
            rows += rowKeys.size();
        }

        /**
         * Completes the header, flushes to disk and closes.
         *
         * @param name the shard's name in the manifest
         * @return what was written
         * @throws IOException when writing fails
         */
        public Info finish(String name) throws IOException {
            data.write(header(rows, dim, precision), 0);
            data.force(true);
            keys.flush();
            finished = true;
            close();
            return new Info(name, rows, ContentHash.hex(dataDigest.digest()), ContentHash.hex(keysDigest.digest()));
        }

        @Override
        public void close() throws IOException {
            try {
                keys.close();
            } finally {
                data.close();
            }
        }

        /**
         * Whether {@link #finish} ran.
         *
         * @return true when finished
         */
        public boolean finished() {
            return finished;
        }
    }
}
