package org.quaterion.models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.HeadLimits;
import org.quaterion.models.internal.ArtifactLimits;
import org.quaterion.models.io.Checksums;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

/**
 * Hostile Java servables: a parameter file declaring more than it holds, out-of-bound head settings, a 100 GB
 * sparse file and a pipe are refused with an exception naming the file, before anything is allocated from them.
 * The model is a gated head over an identity encoder of width 4, whose parameter file the tests write byte by byte.
 */
class HostileModelFilesTest {

    private static final float[] GATES = {0.5f, 1, 2, 3};

    static ModelRegistry registry() {
        return ModelRegistry.discover().register(TestModels.lambdaFactory("identity", x -> x));
    }

    static Path save(Path dir) throws IOException {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 4, x -> x)).setHead(new GatedHead(4)).build()) {
            model.save(dir);
        }
        return dir;
    }

    private static ModelFormatException refused(Path dir, Path file) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SimilarityModel.load(dir, registry(), null, float[].class).close());
        assertTrue(e.getMessage().contains(file.toString()), "names " + file + ": " + e.getMessage());
        return e;
    }

    /** Writes the gated head's parameter file as DJL lays it out, with the given declarations, and its checksum. */
    private static Path params(Path dir, int inputShapes, long[] shape, int length, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1); // the head block's version
        out.writeInt(inputShapes);
        if (inputShapes == 1) {
            shape(out, 1, 4);
        }
        out.writeChar('P');
        out.writeByte(1);
        out.writeUTF("gates");
        out.writeUTF("NDAR");
        out.writeInt(3);
        out.writeByte(0); // no array name
        out.writeUTF("DENSE");
        out.writeUTF("FLOAT32");
        shape(out, shape);
        out.writeByte('<');
        out.writeInt(length);
        out.write(data);
        out.flush();
        Path file = dir.resolve("head/parameters.params");
        Files.write(file, bytes.toByteArray());
        rehash(dir, "head/parameters.params");
        return file;
    }

    private static void shape(DataOutputStream out, long... dims) throws IOException {
        out.writeInt(dims.length);
        for (long d : dims) {
            out.writeLong(d);
        }
        out.writeInt(dims.length); // the layout: unknown for each dimension
        for (int i = 0; i < dims.length; i++) {
            out.writeChar('?');
        }
    }

    /** Records a file's new checksum in config.json, as someone who rewrites a model by hand would. */
    static void rehash(Path dir, String rel) throws IOException {
        Path config = dir.resolve("config.json");
        JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        json.getAsJsonObject("files").addProperty(rel, Checksums.sha256(dir.resolve(rel)));
        JsonFiles.write(config, json);
    }

    private static byte[] gates() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float g : GATES) {
            b.putFloat(g);
        }
        return b.array();
    }

    @Test
    void theParameterFileWriterOfTheseTestsMakesALoadableModel(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        params(dir, 1, new long[] {4}, 16, gates());
        try (SimilarityModel<float[]> model = SimilarityModel.load(dir, registry(), null, float[].class)) {
            float[] out = model.encode(List.of(new float[] {1, 1, 1, 1}), 1)[0];
            assertArrayEquals(new float[] {(float) Math.tanh(0.5), (float) Math.tanh(1), (float) Math.tanh(2),
                (float) Math.tanh(3)}, out, 1e-6f);
        }
    }

    @Test
    void aParameterFileDeclaringMoreThanItHoldsIsRefusedAsCorrupt(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        // 2 GiB of data declared, 16 bytes there
        Path file = params(dir, 1, new long[] {4}, Integer.MAX_VALUE, gates());
        assertTrue(refused(dir, file) instanceof CorruptArtifactException);
        // a shape of 2^31 - 1 dimensions
        params(dir, 1, new long[0], 16, gates());
        byte[] bytes = Files.readAllBytes(file);
        int dims = indexOf(bytes, "FLOAT32".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + 7;
        java.nio.ByteBuffer.wrap(bytes).putInt(dims, Integer.MAX_VALUE);
        Files.write(file, bytes);
        rehash(dir, "head/parameters.params");
        assertTrue(refused(dir, file) instanceof CorruptArtifactException);
        // 2^31 - 1 input shapes
        params(dir, Integer.MAX_VALUE, new long[] {4}, 16, gates());
        assertTrue(refused(dir, file) instanceof CorruptArtifactException);
        // 10^10 values declared over 16 bytes
        params(dir, 1, new long[] {100_000, 100_000}, 16, gates());
        assertTrue(refused(dir, file) instanceof CorruptArtifactException);
        // a truncated file, and one with bytes after its last parameter
        params(dir, 1, new long[] {4}, 16, new byte[8]);
        assertTrue(refused(dir, file).getMessage().contains("declares 16 data bytes for 4 values of float32 with 8 "
                + "bytes left"));
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 30));
        rehash(dir, "head/parameters.params");
        assertTrue(refused(dir, file).getMessage().contains("truncated"));
        params(dir, 1, new long[] {4}, 16, new byte[20]);
        assertTrue(refused(dir, file).getMessage().contains("4 bytes after its last parameter"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void aHundredGigabyteSparseParameterFileIsRefusedBeforeItIsHashed(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        Path file = dir.resolve("head/parameters.params");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(100L << 30);
        } catch (IOException e) {
            assumeTrue(false, "the file system takes no 100 GB sparse file: " + e.getMessage());
        }
        ModelFormatException e = refused(dir, file);
        assertTrue(e.getMessage().contains("is 107374182400 bytes, above the bound of "
                + ArtifactLimits.maxHeadParameterFileBytes()), e.getMessage());
    }

    @Test
    void anyFileOverTheConfiguredBoundIsRefusedBeforeItIsHashed(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        Path encoderConfig = dir.resolve("encoders/default/encoder.json");
        String previous = System.setProperty(ArtifactLimits.MAX_FILE_BYTES_PROPERTY, "8");
        try {
            ModelFormatException e = refused(dir, encoderConfig);
            assertTrue(e.getMessage().contains("above the bound of 8 bytes") && e.getMessage().contains(
                    ArtifactLimits.MAX_FILE_BYTES_PROPERTY), e.getMessage());
        } finally {
            restore(ArtifactLimits.MAX_FILE_BYTES_PROPERTY, previous);
        }
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }

    @Test
    void aConfigThatIsAPipeFailsAtOnce(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        Path config = dir.resolve("config.json");
        Files.delete(config);
        assumeTrue(HostileFiles.mkfifo(config), "mkfifo is available");
        ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> refused(dir, config),
                "a pipe is not opened");
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    /** Replaces the head description in config.json and returns the refusal. */
    private static ModelFormatException headRefused(Path dir, String head) throws IOException {
        Path config = dir.resolve("config.json");
        JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        json.add("head", JsonParser.parseString(head));
        JsonFiles.write(config, json);
        return refused(dir, config);
    }

    @Test
    void headSettingsAreBoundedBeforeTheHeadIsBuilt(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        assertTrue(headRefused(dir, "{\"type\": \"skip_connection\", \"config\": {\"input_embedding_size\": 4, "
                + "\"n_layers\": 100000000}}").getMessage().contains("skip_connection head: n_layers is 100000000, "
                        + "above the bound of 1024"));
        assertTrue(headRefused(dir, "{\"type\": \"stacked_projection\", \"config\": {\"input_embedding_size\": 4, "
                + "\"output_sizes\": [4, 33554432]}}").getMessage().contains("output_sizes is 33554432, above the "
                        + "bound of " + HeadLimits.MAX_WIDTH));
        assertTrue(headRefused(dir, "{\"type\": \"softmax_embeddings\", \"config\": {\"input_embedding_size\": 4, "
                + "\"output_groups\": 65536, \"output_size_per_group\": 65536}}").getMessage().contains(
                        "output_groups·output_size_per_group is 4294967296"));
        assertTrue(headRefused(dir, "{\"type\": \"linear\", \"config\": {\"input_embedding_size\": 4, "
                + "\"output_size\": 4294967297}}").getMessage().contains("'output_size'"));
        assertTrue(headRefused(dir, "{\"type\": \"linear\", \"config\": {\"input_embedding_size\": 16777216, "
                + "\"output_size\": 16777216}}").getMessage().contains("above the bound of "
                        + ArtifactLimits.MAX_TENSOR_ELEMENTS + " per tensor"));
        assertTrue(headRefused(dir, "{\"type\": \"gated\", \"config\": {\"input_embedding_size\": 33554432}}")
                .getMessage().contains("GatedHead: input_embedding_size is 33554432, above the bound of 16777216"));
        assertTrue(headRefused(dir, "{\"type\": \"widening\", \"config\": {\"input_embedding_size\": 4, "
                + "\"expansion_factor\": 1e300}}").getMessage().contains("expansion_factor"));
        String layer = "{\"type\": \"linear\", \"config\": {\"input_embedding_size\": 23170, \"output_size\": "
                + "23170}}"; // 2^29 values each: under the bound alone, over it three times
        assertTrue(headRefused(dir, "{\"type\": \"sequential\", \"config\": {\"input_embedding_size\": 23170, "
                + "\"heads\": [" + String.join(", ", java.util.Collections.nCopies(3, layer)) + "]}}").getMessage()
                .contains("sequential head: its settings give 1610616210 parameter values, above the bound of "
                        + ArtifactLimits.DEFAULT_MAX_HEAD_PARAMETERS));
        String empty = "{\"type\": \"empty\", \"config\": {\"input_embedding_size\": 4}}";
        String parts = "{\"type\": \"sequential\", \"config\": {\"input_embedding_size\": 4, \"heads\": ["
                + String.join(", ", java.util.Collections.nCopies(20, empty)) + "]}}";
        assertTrue(headRefused(dir, "{\"type\": \"sequential\", \"config\": {\"input_embedding_size\": 4, "
                + "\"heads\": [" + String.join(", ", java.util.Collections.nCopies(20, parts)) + "]}}").getMessage()
                .contains("more than " + HeadLimits.MAX_HEADS + " heads"));
    }

    @Test
    void theParameterBoundIsConfigurable(@TempDir Path tmp) throws IOException {
        Path dir = save(tmp.resolve("model"));
        String previous = System.setProperty(ArtifactLimits.MAX_HEAD_PARAMETERS_PROPERTY, "3");
        try {
            assertTrue(refused(dir, dir.resolve("config.json")).getMessage().contains("gated head: its settings give "
                    + "4 parameter values, above the bound of 3"));
        } finally {
            restore(ArtifactLimits.MAX_HEAD_PARAMETERS_PROPERTY, previous);
        }
        try (SimilarityModel<float[]> model = SimilarityModel.load(dir, registry(), null, float[].class)) {
            assertEquals(4, model.embeddingSize());
        }
    }
}
