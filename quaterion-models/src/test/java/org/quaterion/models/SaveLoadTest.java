package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.encoders.SwitchEncoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.SwitchHead;
import org.quaterion.models.heads.WideningHead;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

class SaveLoadTest {

    private static final List<float[]> RECORDS = TestModels.rows(7, 16, 21);

    private static ModelRegistry registry() {
        return ModelRegistry.discover().register(org.quaterion.models.encoders.BlockEncoder.factory("mlp",
                SaveLoadTest::mlpBlock, org.quaterion.models.encoders.Collators.floatVectors()));
    }

    private static ai.djl.nn.Block mlpBlock() {
        return new ai.djl.nn.SequentialBlock().add(ai.djl.nn.core.Linear.builder().setUnits(12).build())
                .add(ai.djl.nn.Activation::tanh);
    }

    private static float[][] saveModel(Path dir) throws IOException {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(SimilarityModelTest.mlpEncoder(16, 12, true))
                .setHead(SequentialHead.of(SkipConnectionHead.builder().setInputSize(12).optDropout(0.1)
                        .optSkipDropout(0.0).optNLayers(2).build(), new WideningHead(12),
                        new LinearHead(12, 6), new GatedHead(6), new NormalizeHead(6)))
                .build()) {
            model.save(dir);
            return model.encode(RECORDS, 3);
        }
    }

    @Test
    void roundTripGivesTheSameEmbeddingsAndAVersionedConfig(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        float[][] before = saveModel(dir);
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals(1, config.get("schema_version").getAsInt(), "a model without prompts is schema version 1");
        assertEquals("mlp", config.getAsJsonArray("encoders").get(0).getAsJsonObject().get("type").getAsString());
        assertEquals("sequential", config.getAsJsonObject("head").get("type").getAsString());
        assertFalse(config.toString().contains("org.quaterion"), "no Java class names in the saved config");
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(dir, registry(), null, float[].class)) {
            assertSameRows(before, loaded.encode(RECORDS, 4));
        }
    }

    @Test
    void savingOverAModelReplacesItAtomically(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        saveModel(dir);
        float[][] second = saveModel(dir);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(dir), siblings.toList(), "no temporary directories left behind");
        }
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(dir, registry(), null, float[].class)) {
            assertArrayEquals(second[0], loaded.encode(RECORDS, 7)[0], 1e-6f);
        }
    }

    @Test
    void savingOverAFolderThatIsNotAModelIsRefusedAndDeletesNothing(@TempDir Path tmp) throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("notes.txt"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> saveModel(work));
        assertTrue(e.getMessage().contains(work.toString()), e.getMessage());
        assertEquals("keep me", Files.readString(work.resolve("notes.txt")));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(work), siblings.toList(), "nothing written beside it");
        }
    }

    private static void saveLinear(Path dir, int out) throws IOException {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(SimilarityModelTest.mlpEncoder(16, 12, true)).setHead(new LinearHead(12, out)).build()) {
            model.save(dir);
        }
    }

    /** Rewrites config.json's checksum of one file, as someone editing a model by hand could. */
    private static void rewriteChecksum(Path dir, String rel) throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        config.getAsJsonObject("files").addProperty(rel, org.quaterion.models.io.Checksums.sha256(dir.resolve(rel)));
        Files.writeString(dir.resolve("config.json"), config.toString());
    }

    @Test
    void headWeightsThatDisagreeWithTheDeclaredShapesAreRefused(@TempDir Path tmp) throws IOException {
        Path four = tmp.resolve("four");
        Path six = tmp.resolve("six");
        saveLinear(four, 4);
        saveLinear(six, 6);
        Files.copy(six.resolve("head/parameters.params"), four.resolve("head/parameters.params"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rewriteChecksum(four, "head/parameters.params");
        assertLoadFails(four, "the architecture declared in its config needs");
    }

    @Test
    void encoderWeightsThatDisagreeWithTheDeclaredBlockAreRefused(@TempDir Path tmp) throws IOException {
        Path wide = tmp.resolve("wide");
        Path narrow = tmp.resolve("narrow");
        for (Path dir : List.of(wide, narrow)) {
            try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                    .setEncoder(SimilarityModelTest.mlpEncoder(16, dir == wide ? 12 : 8, true))
                    .setHead(new LinearHead(dir == wide ? 12 : 8, 4)).build()) {
                model.save(dir);
            }
        }
        String rel;
        try (Stream<Path> found = Files.walk(wide.resolve("encoders"))) {
            rel = wide.relativize(found.filter(p -> p.getFileName().toString().equals("parameters.params"))
                    .findFirst().orElseThrow()).toString();
        }
        Files.copy(narrow.resolve(rel), wide.resolve(rel), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rewriteChecksum(wide, rel);
        assertLoadFails(wide, "the architecture declared in its config needs");
    }

    @Test
    void symbolicLinksAndUnlistedFilesInsideAModelAreRefused(@TempDir Path tmp) throws IOException {
        Path linked = tmp.resolve("linked");
        saveModel(linked);
        Path encoderJson;
        try (Stream<Path> found = Files.walk(linked.resolve("encoders"))) {
            encoderJson = found.filter(p -> p.getFileName().toString().equals("encoder.json")).findFirst()
                    .orElseThrow();
        }
        assertTrue(Files.exists(encoderJson), "the test model has an encoder.json");
        Path outside = Files.writeString(tmp.resolve("outside.json"), Files.readString(encoderJson));
        Files.delete(encoderJson);
        Files.createSymbolicLink(encoderJson, outside);
        assertLoadFails(linked, "is a symbolic link");

        Path extra = tmp.resolve("extra");
        saveModel(extra);
        Files.writeString(extra.resolve("head/unlisted.bin"), "x");
        assertLoadFails(extra, "is not one of the files config.json lists");

        Path dirLink = tmp.resolve("dirlink");
        saveModel(dirLink);
        Path encoders = dirLink.resolve("encoders");
        Files.move(encoders, tmp.resolve("elsewhere"));
        Files.createSymbolicLink(encoders, tmp.resolve("elsewhere"));
        assertLoadFails(dirLink, "is a symbolic link");
    }

    @Test
    void anOversizedConfigIsRefusedBeforeItIsRead(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("big");
        saveModel(dir);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(dir.resolve("config.json").toFile(), "rw")) {
            f.setLength(org.quaterion.models.io.JsonFiles.MAX_BYTES + 1); // sparse: no disk or heap used
        }
        assertLoadFails(dir, "more than the");
    }

    @Test
    void customHeadsLoadThroughServiceLoader(@TempDir Path tmp) throws IOException {
        List<float[]> records = List.of(new float[] {1, -2, 3});
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 3, x -> x))
                .setHead(new org.quaterion.models.heads.ScaleHead(3, 2.5)).build()) {
            model.save(tmp.resolve("custom"));
        }
        ModelRegistry registry = ModelRegistry.discover().register(TestModels.lambdaFactory("identity", x -> x));
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(tmp.resolve("custom"), registry, null,
                float[].class)) {
            assertEquals("test-scale", loaded.head().typeName());
            assertArrayEquals(new float[] {2.5f, -5f, 7.5f}, loaded.encode(records, 1)[0], 1e-6f);
        }
    }

    @Test
    void switchModelsRoundTrip(@TempDir Path tmp) throws IOException {
        Map<String, org.quaterion.models.encoders.BlockEncoder<float[]>> options = Map.of(
                "neg", TestModels.lambdaEncoder("negate", 2, ai.djl.ndarray.NDArray::neg),
                "pos", TestModels.lambdaEncoder("identity", 2, x -> x));
        java.util.function.Function<float[], String> selector = r -> r[0] < 0 ? "neg" : "pos";
        List<float[]> records = List.of(new float[] {-1, 2}, new float[] {3, 4}, new float[] {-5, -6});
        float[][] before;
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(new SwitchEncoder<>("sign-switch", options, selector))
                .setHead(new SwitchHead(Map.of("neg", new LinearHead(2, 2), "pos", new GatedHead(2)))).build()) {
            before = model.encode(records, 2);
            model.save(tmp.resolve("switch"));
        }
        ModelRegistry registry = ModelRegistry.discover()
                .register(TestModels.lambdaFactory("negate", ai.djl.ndarray.NDArray::neg))
                .register(TestModels.lambdaFactory("identity", x -> x))
                .register(SwitchEncoder.factory("sign-switch", selector));
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(tmp.resolve("switch"), registry, null,
                float[].class)) {
            assertSameRows(before, loaded.encode(records, 3));
        }
    }

    /** The reloaded model encodes every record as the saved one did, to float rounding. */
    private static void assertSameRows(float[][] before, float[][] after) {
        assertEquals(before.length, after.length, "rows");
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i], 1e-6f, "row " + i);
        }
    }

    @Test
    void corruptOrTruncatedFilesAreReportedByName(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        saveModel(dir);
        Path params = dir.resolve("head/parameters.params");
        byte[] bytes = Files.readAllBytes(params);

        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(params, bytes);
        assertLoadFails(dir, "head/parameters.params is truncated or corrupt");
        assertThrows(CorruptArtifactException.class,
                () -> SimilarityModel.load(dir, registry(), null, float[].class).close(),
                "damage has its own exception type, apart from user errors");

        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertLoadFails(dir, "head/parameters.params is truncated or corrupt");

        Files.delete(params);
        assertLoadFails(dir, "head/parameters.params is missing");
    }

    @Test
    void brokenConfigIsReportedByName(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        saveModel(dir);
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);

        Files.writeString(config, text.substring(0, text.length() / 2));
        assertLoadFails(dir, "config.json is not valid JSON");

        Files.writeString(config, text.replace("\"schema_version\": 1", "\"schema_version\": 7"));
        assertLoadFails(dir, "schema_version 7, newer than this library reads (2)");

        Files.writeString(config, text.replace("\"type\": \"sequential\"", "\"type\": \"hyperbolic\""));
        assertLoadFails(dir, "unknown head type 'hyperbolic'");

        Files.writeString(config, text);
        assertLoadFails(dir, ModelRegistry.discover(), "unknown encoder type 'mlp'");

        Files.delete(config);
        assertLoadFails(dir, "config.json is missing");

        assertLoadFails(tmp.resolve("nowhere"), "is not a directory");
    }

    private static void assertLoadFails(Path dir, String expected) {
        assertLoadFails(dir, registry(), expected);
    }

    private static void assertLoadFails(Path dir, ModelRegistry registry, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SimilarityModel.load(dir, registry, null, float[].class).close());
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '"
                + expected + "'");
        assertTrue(e.getMessage().contains(dir.toString()), "message names the path: " + e.getMessage());
    }

    @Test
    void aFailedSaveLeavesThePreviousModelInPlace(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        saveModel(dir);
        String before = Files.readString(dir.resolve("config.json"), StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> org.quaterion.models.io.AtomicDirectory.write(dir, SimilarityModel.KIND,
                d -> {
                    Files.writeString(d.resolve("config.json"), "{");
                    throw new IOException("disk full");
                }));
        assertEquals(before, Files.readString(dir.resolve("config.json"), StandardCharsets.UTF_8));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(1, siblings.count(), "the temporary directory is removed");
        }
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(dir, registry(), null, float[].class)) {
            assertEquals(6, loaded.embeddingSize());
        }
        assertTrue(new EmptyHead(3).config().has("input_embedding_size"));
    }
}
