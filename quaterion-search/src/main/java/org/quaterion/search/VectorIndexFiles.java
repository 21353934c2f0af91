package org.quaterion.search;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.quaterion.distance.Distance;
import org.quaterion.models.io.ArtifactFiles;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFields;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

/**
 * The files of a {@link VectorIndex} directory, format 3 or 4: {@value #MANIFEST} (engine, size, dimension,
 * candidates, distance, the SHA-256 of the data files and, format 4 only, the quantisation: its kind, rescore factor
 * and per-dimension calibration), {@value #IDS} (UTF-8, one id and a {@code '\n'} per item), {@value #VECTORS}
 * ({@code size × dimension} little-endian float32, row-major; a quantised index encodes its codes from it when opened
 * and reads candidates' rows from it), when items have payloads {@link PayloadFile#NAME}, and, for the HNSW engine,
 * the Lucene directory {@value #HNSW}. A float32 index is written as format 3, so that a library without
 * quantisation reads it; format 2 (no payloads) is read too. Reading checks sizes against the bytes actually there before allocating and verifies both
 * checksums; every failure is a {@link ModelFormatException} (a {@link CorruptArtifactException} for damage) naming
 * the file.
 */
final class VectorIndexFiles {

    static final String MANIFEST = "vector-index.json";
    static final String IDS = "ids.txt";
    static final String VECTORS = "vectors.f32";
    static final String HNSW = "hnsw";
    static final int FORMAT = 4;
    /** The format of an index without quantisation (what readers before quantisation read). */
    private static final int FLOAT32_FORMAT = 3;
    /** The oldest format read: format 2 differs only in having no payloads. */
    private static final int OLDEST_READ = 2;
    /** The longest id, in UTF-16 characters: an id names an item; a longer "id" is not one. */
    static final int MAX_ID_CHARS = 65_536;
    /** The most UTF-8 bytes such an id takes (3 per character; a surrogate pair is 4 bytes for 2 characters). */
    private static final int MAX_ID_BYTES = 3 * MAX_ID_CHARS;
    private static final String FIX = "rebuild the index with VectorIndex.build";
    /** The most floats one Java array holds. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * What a manifest says.
     *
     * @param engine {@code "exact"} or {@code "hnsw"}
     * @param size items
     * @param dimension values per vector
     * @param candidates HNSW candidates per query
     * @param distance the distance
     * @param idsSha256 SHA-256 of {@value #IDS}
     * @param vectorsSha256 SHA-256 of {@value #VECTORS}
     * @param payloadsSha256 SHA-256 of {@link PayloadFile#NAME}, null when the items have no payloads
     * @param rescore candidates re-ranked per wanted hit (1 without quantisation)
     * @param calibration the codes' constants; null for float32
     */
    record Manifest(String engine, int size, int dimension, int candidates, Distance distance, String idsSha256,
            String vectorsSha256, String payloadsSha256, int rescore, Calibration calibration) {

        /** How the vectors are held: {@link Quantization#NONE} without a calibration. */
        Quantization quantization() {
            return calibration == null ? Quantization.NONE : calibration.kind();
        }
    }

    /** Receives the rows of {@value #VECTORS} in order, a chunk at a time. */
    interface RowChunks {
        /**
         * Takes a chunk.
         *
         * @param values at least {@code rows × dimension} values, row-major (the array is reused for the next chunk)
         * @param rows whole rows in the chunk
         */
        void accept(float[] values, int rows);
    }

    private VectorIndexFiles() {}

    /**
     * Writes the ids, the vectors and the manifest (last) into a new directory.
     *
     * @param dir the (temporary) index directory
     * @param ids checked ids
     * @param vectors checked vectors
     * @param payloads one payload or null per item; null when no item has one
     * @param engine the engine that will answer
     * @param config the build settings
     * @param calibration the codes' constants when {@code config} quantises, else null
     * @throws IOException when writing fails
     */
    static void write(Path dir, List<String> ids, float[][] vectors, List<Payload> payloads, String engine,
            VectorIndex.Config config, Calibration calibration) throws IOException {
        MessageDigest idsDigest = ArtifactFiles.sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(dir.resolve(IDS),
                StandardOpenOption.CREATE_NEW), idsDigest)) {
            byte[] newline = {'\n'};
            for (String id : ids) {
                out.write(id.getBytes(StandardCharsets.UTF_8));
                out.write(newline);
            }
        }
        MessageDigest vectorsDigest = ArtifactFiles.sha256();
        int d = vectors[0].length;
        ByteBuffer buffer = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(dir.resolve(VECTORS), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (float[] row : vectors) {
                buffer.clear();
                buffer.asFloatBuffer().put(row);
                vectorsDigest.update(buffer.array(), 0, 4 * d);
                buffer.limit(4 * d);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        }
        String payloadsSha256 = payloads == null ? null : PayloadFile.write(dir, payloads);
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", calibration == null ? FLOAT32_FORMAT : FORMAT);
        manifest.addProperty("engine", engine);
        manifest.addProperty("size", ids.size());
        manifest.addProperty("dimension", d);
        manifest.addProperty("candidates", config.candidates());
        manifest.add("distance", config.distance().config());
        manifest.addProperty("ids_sha256", HexFormat.of().formatHex(idsDigest.digest()));
        manifest.addProperty("vectors_sha256", HexFormat.of().formatHex(vectorsDigest.digest()));
        if (payloadsSha256 != null) {
            manifest.addProperty("payloads_sha256", payloadsSha256);
        }
        if (calibration != null) {
            JsonObject quantization = calibration.toJson();
            quantization.addProperty("rescore", config.rescore());
            manifest.add("quantization", quantization);
        }
        JsonFiles.write(dir.resolve(MANIFEST), manifest);
    }

    /**
     * Reads and checks {@value #MANIFEST}.
     *
     * @param dir the index directory
     * @return what it says
     * @throws ModelFormatException when there is no index, it is of another format, or the manifest is damaged
     */
    static Manifest readManifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(dir, "holds no vector index (no regular file " + MANIFEST + "): build one "
                    + "with VectorIndex.build");
        }
        JsonObject o = JsonFiles.read(file);
        long format = JsonFields.integer(o, "format", 1, Integer.MAX_VALUE, file);
        if (format > FORMAT) {
            throw new ModelFormatException(file, "is of format " + format + ", written by a newer version of the "
                    + "library (this one reads formats " + OLDEST_READ + " to " + FORMAT + "); upgrade the library");
        }
        if (format < OLDEST_READ) {
            throw new ModelFormatException(file, "is of format " + format + ", written by an earlier version without "
                    + "checksums; rebuild the index with VectorIndex.build");
        }
        String engine = JsonFields.string(o, "engine", file);
        if (!engine.equals("exact") && !engine.equals("hnsw")) {
            throw new CorruptArtifactException(file, "names the engine '" + engine + "', neither 'exact' nor 'hnsw': "
                    + "the file is damaged; rebuild the index");
        }
        int size = (int) JsonFields.integer(o, "size", 1, Integer.MAX_VALUE, file);
        int dimension = (int) JsonFields.integer(o, "dimension", 1, Integer.MAX_VALUE, file);
        int candidates = (int) JsonFields.integer(o, "candidates", 1, Integer.MAX_VALUE, file);
        JsonObject distanceConfig = JsonFields.object(o, "distance", file);
        Distance distance;
        try {
            distance = Distance.fromConfig(distanceConfig);
        } catch (RuntimeException e) {
            throw new CorruptArtifactException(file, "records an unreadable distance " + distanceConfig + " ("
                    + e.getMessage() + "): the file is damaged; rebuild the index", e);
        }
        String payloads = o.has("payloads_sha256") ? JsonFields.sha256(o, "payloads_sha256", file) : null;
        int rescore = 1;
        Calibration calibration = null;
        if (format >= FORMAT && o.has("quantization")) {
            JsonObject q = JsonFields.object(o, "quantization", file);
            String kind = JsonFields.string(q, "kind", file);
            Quantization quantization = switch (kind) {
                case "int8" -> Quantization.INT8;
                case "binary" -> Quantization.BINARY;
                default -> throw new CorruptArtifactException(file, "names the quantisation '" + kind + "', neither "
                        + "'int8' nor 'binary': the file is damaged; rebuild the index");
            };
            if (!engine.equals("exact") || InnerProductRanking.of(distance) == null) {
                throw new CorruptArtifactException(file, "quantises an index of engine '" + engine + "' ranked by "
                        + distance + ": the file is damaged; rebuild the index");
            }
            rescore = (int) JsonFields.integer(q, "rescore", 1, Integer.MAX_VALUE, file);
            calibration = Calibration.fromJson(q, quantization, InnerProductRanking.of(distance).rankedDimension(
                    dimension), file);
        }
        return new Manifest(engine, size, dimension, candidates, distance, JsonFields.sha256(o, "ids_sha256", file),
                JsonFields.sha256(o, "vectors_sha256", file), payloads, rescore, calibration);
    }

    /**
     * Reads {@value #IDS}: at most {@code size} lines of at most {@link #MAX_ID_CHARS} characters are read (a huge or
     * garbage file fails at its first bad line, before it is read through), then the checksum is compared.
     *
     * @param dir the index directory
     * @param m the manifest
     * @return the ids
     * @throws IOException when reading fails
     * @throws CorruptArtifactException when the file is missing, malformed or differs from its checksum
     */
    static List<String> readIds(Path dir, Manifest m) throws IOException {
        Path file = ArtifactFiles.requireRegularFile(dir.resolve(IDS), FIX);
        long bytes = Files.size(file);
        if (bytes < 2L * m.size() || bytes > (MAX_ID_BYTES + 1L) * m.size()) {
            throw corrupt(file, "has " + bytes + " bytes, impossible for " + m.size() + " ids of 1 to " + MAX_ID_CHARS
                    + " characters");
        }
        MessageDigest digest = ArtifactFiles.sha256();
        List<String> ids = new ArrayList<>(Math.min(m.size(), 1 << 16));
        try (ArtifactFiles.Lines lines = new ArtifactFiles.Lines(file, MAX_ID_BYTES, digest, FIX)) {
            for (String id; (id = lines.next()) != null;) {
                if (ids.size() == m.size()) {
                    throw corrupt(file, "holds more than the " + m.size() + " ids " + MANIFEST + " lists");
                }
                if (id.isEmpty()) {
                    throw corrupt(file, "line " + lines.count() + " is empty");
                }
                ids.add(id);
            }
        }
        if (ids.size() != m.size()) {
            throw corrupt(file, "holds " + ids.size() + " ids, " + MANIFEST + " lists " + m.size()
                    + " (truncated or rewritten)");
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(m.idsSha256())) {
            throw corrupt(file, "differs from the SHA-256 recorded in " + MANIFEST + " (damaged or rewritten)");
        }
        return List.copyOf(ids);
    }

    /**
     * Reads {@value #VECTORS} after checking that it holds exactly the manifest's {@code size × dimension} float32
     * values, verifying its checksum in the same pass.
     *
     * @param dir the index directory
     * @param m the manifest
     * @param keep whether to return the values (the exact engine) or only verify them (HNSW answers from its
     *     Lucene files)
     * @return {@code size × dimension} values, row-major, or null when not kept
     * @throws IOException when reading fails
     * @throws ModelFormatException when the file is missing, of the wrong size, too large for the exact engine, or
     *     differs from its checksum
     */
    static float[] readVectors(Path dir, Manifest m, boolean keep) throws IOException {
        long count = (long) m.size() * m.dimension();
        if (keep && count > MAX_ARRAY) {
            throw new ModelFormatException(dir.resolve(VECTORS), "holds " + count + " values, more than the exact "
                    + "engine holds in one array; rebuild the index with a lower hnswThreshold (HNSW) or quantised");
        }
        if (!keep) {
            readVectors(dir, m, null);
            return null;
        }
        float[] flat = new float[(int) count];
        int[] filled = {0};
        readVectors(dir, m, (values, rows) -> {
            System.arraycopy(values, 0, flat, filled[0], rows * m.dimension());
            filled[0] += rows * m.dimension();
        });
        return flat;
    }

    /**
     * Streams {@value #VECTORS} in chunks of whole rows after checking that it holds exactly the manifest's
     * {@code size × dimension} float32 values, verifying its checksum in the same pass (after the last chunk: a
     * caller discards what it made of the chunks when this throws).
     *
     * @param dir the index directory
     * @param m the manifest
     * @param chunks receives the rows; null to verify only
     * @throws IOException when reading fails
     * @throws ModelFormatException when the file is missing, of the wrong size or differs from its checksum
     */
    static void readVectors(Path dir, Manifest m, RowChunks chunks) throws IOException {
        Path file = ArtifactFiles.requireRegularFile(dir.resolve(VECTORS), FIX);
        long count = (long) m.size() * m.dimension();
        long bytes = Files.size(file);
        if (bytes != 4 * count) {
            throw corrupt(file, "has " + bytes + " bytes, " + MANIFEST + " lists " + m.size() + " × " + m.dimension()
                    + " float32 values (" + 4 * count + " bytes)");
        }
        int rowBytes = 4 * m.dimension();
        int rowsPerRead = Math.max(1, (4 << 20) / rowBytes);
        MessageDigest digest = ArtifactFiles.sha256();
        ByteBuffer buffer = ByteBuffer.allocate(rowsPerRead * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = chunks == null ? null : new float[rowsPerRead * m.dimension()];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = 0;
            while (position < 4 * count) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), 4 * count - position));
                while (buffer.hasRemaining()) {
                    if (in.read(buffer, position + buffer.position()) < 0) {
                        throw corrupt(file, "ended after " + (position + buffer.position()) + " bytes while being "
                                + "read (truncated)");
                    }
                }
                buffer.flip();
                digest.update(buffer.array(), 0, buffer.limit());
                if (chunks != null) {
                    int rows = buffer.limit() / rowBytes;
                    buffer.asFloatBuffer().get(values, 0, rows * m.dimension());
                    chunks.accept(values, rows);
                }
                position += buffer.limit();
            }
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(m.vectorsSha256())) {
            throw corrupt(file, "differs from the SHA-256 recorded in " + MANIFEST + " (damaged or rewritten)");
        }
    }

    /**
     * Reads one row of {@value #VECTORS} (verified as a whole when the index was opened).
     *
     * @param dir the index directory
     * @param dimension values per row
     * @param row the row
     * @return its values
     * @throws IOException when reading fails or the file ends early
     */
    static float[] readRow(Path dir, int dimension, int row) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * dimension).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel in = FileChannel.open(dir.resolve(VECTORS), StandardOpenOption.READ)) {
            long position = 4L * dimension * row;
            while (buffer.hasRemaining()) {
                if (in.read(buffer, position + buffer.position()) < 0) {
                    throw corrupt(dir.resolve(VECTORS), "ended before row " + row + " (truncated after opening)");
                }
            }
        }
        buffer.flip();
        float[] values = new float[dimension];
        buffer.asFloatBuffer().get(values);
        return values;
    }

    static CorruptArtifactException corrupt(Path file, String problem) {
        return new CorruptArtifactException(file, problem + "; " + FIX);
    }
}
