package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.djl.SimilarityTranslatorFactory;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.io.CorruptArtifactException;

/**
 * Prompts: {@code encodeQueries} / {@code encodeDocuments} encode exactly what {@code encode} gives for the prefixed
 * texts, plain {@code encode} applies the default role only, the prompts survive save and load (and plain DJL), and
 * what cannot take a prefix is refused.
 */
class PromptsTest {

    private static final Prompts E5 = Prompts.of("query: ", "passage: ");
    private static final List<String> TEXTS = List.of("x", "what is a cat", "a small feline");

    private static SimilarityModel<String> model(Prompts prompts) {
        return SimilarityModel.<String>builder().setEncoder(TextCountsEncoder.create())
                .setHead(new LinearHead(TextCountsEncoder.SIZE, 4)).optRecordType(String.class).optPrompts(prompts)
                .build();
    }

    private static List<String> prefixed(String prefix) {
        return TEXTS.stream().map(t -> prefix + t).toList();
    }

    private static void assertSameRows(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], "row " + i); // bit for bit: the same floats
        }
    }

    @Test
    void queriesAndDocumentsAreTheTextsWithTheirPrefix() {
        try (SimilarityModel<String> model = model(E5)) {
            float[][] queries = model.encodeQueries(TEXTS, 2);
            assertSameRows(model.encode(prefixed("query: "), 2), queries);
            assertSameRows(model.encode(prefixed("passage: "), 2), model.encodeDocuments(TEXTS, 2));
            // no default role: plain encode adds nothing, and the prefix does change the embedding
            float[][] plain = model.encode(TEXTS, 2);
            assertFalse(java.util.Arrays.equals(plain[0], queries[0]), "the prefix changes the embedding");
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray array = model.encodeToArray(Prompts.Role.QUERY, TEXTS, 2, manager);
                assertArrayEquals(queries[1], array.get(1).toFloatArray());
            }
        }
    }

    @Test
    void plainEncodeAppliesTheDefaultRole() {
        try (SimilarityModel<String> model = model(E5.withDefaultRole(Prompts.Role.DOCUMENT))) {
            assertSameRows(model.encodeDocuments(TEXTS, 2), model.encode(TEXTS, 2));
            assertSameRows(model.encodeDocuments(TEXTS, 2), model.encode(TEXTS, 2, 4, false));
            try (NDManager manager = NDManager.newBaseManager()) {
                assertArrayEquals(model.encodeDocuments(TEXTS, 2)[2],
                        model.encodeToArray(TEXTS, 2, manager).get(2).toFloatArray());
            }
        }
    }

    @Test
    void aModelWithoutPromptsEncodesEveryRoleAsGiven() {
        try (SimilarityModel<String> model = model(Prompts.NONE)) {
            assertSameRows(model.encode(TEXTS, 2), model.encodeQueries(TEXTS, 2));
            assertSameRows(model.encode(TEXTS, 2), model.encodeDocuments(TEXTS, 2));
        }
    }

    @Test
    void promptsSurviveSaveAndLoad(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        Prompts prompts = Prompts.of("query: ", "").withDefaultRole(Prompts.Role.QUERY);
        float[][] queries;
        float[][] documents;
        try (SimilarityModel<String> model = model(prompts)) {
            queries = model.encodeQueries(TEXTS, 2);
            documents = model.encodeDocuments(TEXTS, 2);
            model.save(dir);
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals(2, config.get("schema_version").getAsInt(), "prompts need schema version 2");
        assertEquals("{\"query\":\"query: \",\"document\":\"\",\"default_role\":\"query\"}",
                config.get("prompts").toString());
        try (SimilarityModel<String> loaded = SimilarityModel.load(dir, String.class)) {
            assertEquals(prompts, loaded.prompts());
            assertSameRows(queries, loaded.encodeQueries(TEXTS, 2));
            assertSameRows(documents, loaded.encodeDocuments(TEXTS, 2));
            assertSameRows(queries, loaded.encode(TEXTS, 2));
        }
    }

    @Test
    void aModelWithoutPromptsIsSavedAsBefore(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        try (SimilarityModel<String> model = model(Prompts.NONE)) {
            model.save(dir);
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals(1, config.get("schema_version").getAsInt(), "earlier releases read it");
        assertFalse(config.has("prompts"));
        try (SimilarityModel<String> loaded = SimilarityModel.load(dir, String.class)) {
            assertEquals(Prompts.NONE, loaded.prompts());
        }
    }

    @Test
    void damagedPromptsAreRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        try (SimilarityModel<String> model = model(E5)) {
            model.save(dir);
        }
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        Files.writeString(config, text.replace("\"passage: \"", "7"));
        assertLoadFails(dir, "needs a string prompts.document");
        Files.writeString(config, text.replace("\"document\"", "\"docs\""));
        assertLoadFails(dir, "unknown member 'docs' in 'prompts'");
        Files.writeString(config, text.replace("\"schema_version\": 2", "\"schema_version\": 1"));
        assertLoadFails(dir, "has 'prompts' but schema_version 1");
        Files.writeString(config, text.replace("\"schema_version\": 2", "\"schema_version\": 3"));
        assertLoadFails(dir, "schema_version 3, newer than this library reads (2)");
    }

    private static void assertLoadFails(Path dir, String expected) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> SimilarityModel.load(dir, String.class));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        if (expected.startsWith("needs") || expected.startsWith("unknown") || expected.startsWith("has 'prompts'")) {
            assertTrue(e instanceof CorruptArtifactException, e.getClass().getName());
        }
    }

    @Test
    void promptsNeedTextRecords() {
        SimilarityModel.Builder<float[]> vectors = SimilarityModel.<float[]>builder()
                .setEncoder(SimilarityModelTest.mlpEncoder(4, 4, false)).setHead(new LinearHead(4, 2)).optPrompts(E5);
        SimilarityModelTest.assertMessage("prompts prefix text, but the model takes float[] records",
                () -> vectors.optRecordType(float[].class).build());
        List<float[]> rows = TestModels.rows(2, 4, 5);
        try (SimilarityModel<float[]> untyped = SimilarityModel.<float[]>builder()
                .setEncoder(SimilarityModelTest.mlpEncoder(4, 4, false)).setHead(new LinearHead(4, 2))
                .optPrompts(Prompts.of("query: ", "")).build()) {
            SimilarityModelTest.assertMessage("the query prompt 'query: ' prefixes text, but record 0 is a float[]",
                    () -> untyped.encodeQueries(rows, 2));
            // no document prefix: documents of any type are encoded as given
            assertSameRows(untyped.encode(rows, 2), untyped.encodeDocuments(rows, 2));
        }
    }

    @Test
    void rolesParseByName() {
        assertEquals(Prompts.Role.QUERY, Prompts.Role.of(" Query "));
        assertEquals("document", Prompts.Role.DOCUMENT.key());
        SimilarityModelTest.assertMessage("unknown prompt role 'passage': use query or document",
                () -> Prompts.Role.of("passage"));
        assertNotEquals(E5, E5.withDefaultRole(Prompts.Role.QUERY));
        assertTrue(Prompts.NONE.withDefaultRole(null).isEmpty());
        assertEquals("query: x", E5.apply(Prompts.Role.QUERY, "x"));
    }

    @Test
    void plainDjlAppliesTheRoleItIsGiven(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("servable");
        float[][] queries;
        float[][] plain;
        try (SimilarityModel<String> model = model(E5)) {
            queries = model.encodeQueries(TEXTS, 2);
            plain = model.encode(TEXTS, 2);
            model.save(dir);
        }
        for (String role : new String[] {"query", null}) {
            Criteria.Builder<String, float[]> builder = Criteria.builder().setTypes(String.class, float[].class)
                    .optModelPath(dir).optTranslatorFactory(new SimilarityTranslatorFactory())
                    .optArgument("batchSize", "2");
            if (role != null) {
                builder.optArgument("role", role);
            }
            try (ZooModel<String, float[]> zoo = builder.build().loadModel();
                    Predictor<String, float[]> predictor = zoo.newPredictor()) {
                List<float[]> out = predictor.batchPredict(TEXTS);
                assertSameRows(role == null ? plain : queries, out.toArray(new float[0][]));
            }
        }
        Criteria<String, float[]> wrong = Criteria.builder().setTypes(String.class, float[].class).optModelPath(dir)
                .optTranslatorFactory(new SimilarityTranslatorFactory()).optArgument("role", "passage").build();
        StringBuilder chain = new StringBuilder();
        for (Throwable t = assertThrows(Exception.class, wrong::loadModel); t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append(" / ");
        }
        assertTrue(chain.toString().contains("unknown prompt role 'passage': use query or document"), chain.toString());
    }
}
