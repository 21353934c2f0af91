package org.quaterion.cache.spi;

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
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.quaterion.models.io.ArtifactFiles;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFields;

/**
 * One shard of a cache, the unit an external builder writes: {@code <name>.bin} (a 32-byte header: magic {@code QCACHE02}, format version, dtype
 * 0 = float32 / 1 = float16, rows, dim; little-endian; then {@code rows × dim} values, row-major) and
 * {@code <name>.keys} (one {@code key<TAB>record hash} line per row, UTF-8). A single-machine cache is one shard; a
 * Spark-built cache has one per partition. The store's {@code cache.json} lists the shards with their checksums.
 *
 * <p>The values are stored as {@link DataType#FLOAT32} or {@link DataType#FLOAT16}, the
 * {@code CacheConfig.Precision#dataType()} of the cache's precision.
 */
public final class CacheShard {

    /** The on-disk format version (header and manifest). */
    public static final int FORMAT = 2;
    /** Suffix of a shard's embeddings file. */
    public static final String DATA = ".bin";
    /** Suffix of a shard's keys file. */
    public static final String KEYS = ".keys";
    /** The longest key, in UTF-16 characters: a key names a record; a longer one is refused when writing. */
    public static final int MAX_KEY_CHARS = 65_536;
    /** The longest line of a keys file, in bytes: a key in UTF-8, a tab and a 32-digit record hash. */
    public static final int MAX_KEYS_LINE_BYTES = 3 * MAX_KEY_CHARS + 1 + 32;
    /** What to do about a damaged store, ending each message. */
    public static final String FIX = "rebuild the cache";
    /** The bytes of a shard's header, before its values. */
    public static final int HEADER = 32;
    private static final byte[] MAGIC = "QCACHE02".getBytes(StandardCharsets.US_ASCII);
    /** A shard name: letters, digits, '.', '_' and '-', starting with a letter or digit (never a path). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

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

        /**
         * From a manifest's JSON, strictly: every member present with its type, a name that is a plain file name.
         *
         * @param o the object
         * @param file the manifest, for messages
         * @return the info
         * @throws CorruptArtifactException when a member is missing, mistyped or out of range
         */
        public static Info read(JsonObject o, Path file) {
            String name = JsonFields.string(o, "name", file);
            if (!NAME.matcher(name).matches()) {
                throw new CorruptArtifactException(file, "names a shard '" + (name.length() > 80 ? name.substring(0,
                        77) + "..." : name) + "', not a plain file name; " + FIX);
            }
            return new Info(name, JsonFields.integer(o, "rows", 0, Long.MAX_VALUE, file),
                    JsonFields.sha256(o, "data_sha256", file), JsonFields.sha256(o, "keys_sha256", file));
        }
    }

    /**
     * Header fields of a shard's embeddings file.
     *
     * @param rows the rows
     * @param dim the values per row
     * @param type the stored type, {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
     */
    public record Header(long rows, int dim, DataType type) {}

    /**
     * The bytes of one row.
     *
     * @param dim the values per row
     * @param type the stored type, {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
     * @return the row's bytes
     */
    public static int rowBytes(int dim, DataType type) {
        return dim * storedType(type).getNumOfBytes();
    }

    private static DataType storedType(DataType type) {
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
            throw new IllegalArgumentException("a cache shard stores FLOAT32 or FLOAT16 values, not " + type
                    + "; pass CacheConfig.Precision#dataType()");
        }
        return type;
    }

    static ByteBuffer header(long rows, int dim, DataType type) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(FORMAT).putInt(type == DataType.FLOAT16 ? 1 : 0).putLong(rows)
                .putInt(dim).putInt(0);
        h.flip();
        return h;
    }

    /**
     * Reads and checks the header of a shard's embeddings file: magic, format, dtype, a positive dimension, and a file
     * length equal to the one its rows and dimension imply.
     *
     * @param file the file, for messages
     * @param channel the file opened for reading
     * @return the header
     * @throws IOException when reading fails
     * @throws CorruptArtifactException naming the file when any of these is wrong
     */
    public static Header readHeader(Path file, FileChannel channel) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        while (h.hasRemaining() && channel.read(h, h.position()) > 0) {
            // a short read is continued until the header is complete or the file ends
        }
        h.flip();
        if (h.remaining() < HEADER) {
            throw new CorruptArtifactException(file, "is shorter than a cache header (" + h.remaining() + " of "
                    + HEADER + " bytes); " + FIX);
        }
        byte[] magic = new byte[MAGIC.length];
        h.get(magic);
        int format = h.getInt();
        if (!java.util.Arrays.equals(magic, MAGIC) || format != FORMAT) {
            throw new CorruptArtifactException(file, "is not a cache shard of format " + FORMAT + "; " + FIX);
        }
        int dtype = h.getInt();
        long rows = h.getLong();
        int dim = h.getInt();
        int reserved = h.getInt(); // written as 0: the header is not covered by the data checksum, so it is checked
        if ((dtype != 0 && dtype != 1) || rows < 0 || dim < 1 || reserved != 0) {
            throw new CorruptArtifactException(file, "has a header of dtype " + dtype + ", " + rows + " rows of " + dim
                    + " values and reserved field " + reserved + ", not a valid shard; " + FIX);
        }
        DataType type = dtype == 1 ? DataType.FLOAT16 : DataType.FLOAT32;
        long size = channel.size();
        // rows × row bytes may exceed 2^63 in a damaged header: compare without overflow
        long rowBytes = (long) dim * type.getNumOfBytes();
        if (rowBytes > Integer.MAX_VALUE || size < HEADER || (size - HEADER) % rowBytes != 0
                || (size - HEADER) / rowBytes != rows) {
            throw new CorruptArtifactException(file, "has " + size + " bytes, its header says " + rows + " rows of "
                    + rowBytes + " bytes after a " + HEADER + "-byte header (truncated or damaged); " + FIX);
        }
        return new Header(rows, dim, type);
    }

    /**
     * Rejects keys a keys file cannot hold: null, with a tab or line break, or longer than {@link #MAX_KEY_CHARS}.
     *
     * @param key the key
     */
    public static void checkKey(String key) {
        if (key == null || key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0 || key.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("cache key " + (key == null ? "null" : "'" + key + "'")
                    + " is null or contains a tab or line break; keys must be single-line text without tabs");
        }
        if (key.length() > MAX_KEY_CHARS) {
            throw new IllegalArgumentException("a cache key has " + key.length() + " characters, more than the "
                    + MAX_KEY_CHARS + " a key may have; give the encoder a key extractor that returns a short id");
        }
    }

    /**
     * Writes one shard under any file names (a caller renames them into place), hashing as it goes.
     * Not thread-safe.
     */
    public static final class Writer implements AutoCloseable {
        private final FileChannel data;
        private final BufferedWriter keys;
        private final MessageDigest dataDigest = ArtifactFiles.sha256();
        private final MessageDigest keysDigest = ArtifactFiles.sha256();
        private final int dim;
        private final DataType type;
        private long rows;
        private boolean finished;

        /**
         * Creates both files (they must not exist).
         *
         * @param dataFile the embeddings file
         * @param keysFile the keys file
         * @param dim embedding size
         * @param type the stored type, {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
         * @throws IOException when the files cannot be created
         */
        public Writer(Path dataFile, Path keysFile, int dim, DataType type) throws IOException {
            this.dim = dim;
            this.type = storedType(type);
            this.data = FileChannel.open(dataFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                this.keys = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(
                        Files.newOutputStream(keysFile, StandardOpenOption.CREATE_NEW), keysDigest),
                        StandardCharsets.UTF_8));
                data.write(header(0, dim, type));
            } catch (IOException | RuntimeException e) {
                data.close();
                throw e;
            }
        }

        /**
         * Appends rows.
         *
         * @param rowKeys one key per row
         * @param recordHashes one record hash per row ({@code RecordHash.of})
         * @param embeddings {@code (rowKeys.size(), dim)}
         * @throws IOException when writing fails
         */
        public void append(List<String> rowKeys, List<String> recordHashes, NDArray embeddings) throws IOException {
            if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(1) != dim
                    || embeddings.getShape().get(0) != rowKeys.size() || recordHashes.size() != rowKeys.size()) {
                throw new IllegalArgumentException("cache rows must be (" + rowKeys.size() + ", " + dim + ") with one "
                        + "key and record hash each, got " + embeddings.getShape() + " for " + rowKeys.size() + " keys");
            }
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
            data.write(header(rows, dim, type), 0);
            data.force(true);
            keys.flush();
            finished = true;
            close();
            HexFormat hex = HexFormat.of();
            return new Info(name, rows, hex.formatHex(dataDigest.digest()), hex.formatHex(keysDigest.digest()));
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
