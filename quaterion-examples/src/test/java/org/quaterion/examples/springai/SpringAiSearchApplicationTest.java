package org.quaterion.examples.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quaterion.examples.service.MiniLmServables;
import org.quaterion.models.SimilarityModel;
import org.quaterion.springai.QuaterionEmbeddingModel;
import org.quaterion.springai.QuaterionVectorStore;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring AI application on a random port: documents go in through the auto-configured {@link VectorStore}, and
 * similarity searches over HTTP find the right ones, with a filter expression and a similarity threshold.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringAiSearchApplicationTest {

    private static Path dir;

    @LocalServerPort
    private int port;

    @Autowired
    private VectorStore store;

    @Autowired
    private EmbeddingModel embeddingModel;

    private final HttpClient client = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void servable(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("spring-ai-app");
        try (SimilarityModel<String> model = MiniLmServables.normalizedInt8()) {
            model.save(dir.resolve("servable"));
        }
        registry.add("quaterion.model.path", () -> dir.resolve("servable").toString());
        registry.add("quaterion.spring-ai.store-path", () -> dir.resolve("store").toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        org.quaterion.models.io.AtomicDirectory.deleteRecursively(dir);
    }

    /** The menu, added before each test: adding the same ids again replaces them, so the store stays at 8. */
    @BeforeEach
    void addTheMenu() {
        store.add(List.of(
                dish("dish-0", "spaghetti bolognese", "italian", false, 12),
                dish("dish-1", "mushroom risotto", "italian", true, 14),
                dish("dish-2", "margherita pizza", "italian", true, 10),
                dish("dish-3", "salmon nigiri", "japanese", false, 9),
                dish("dish-4", "miso soup", "japanese", true, 4),
                dish("dish-5", "chicken curry", "indian", false, 11),
                dish("dish-6", "chocolate brownie", "american", true, 6),
                dish("dish-7", "beef tacos", "mexican", false, 8)));
    }

    private static Document dish(String id, String text, String cuisine, boolean vegetarian, int price) {
        return Document.builder().id(id).text(text)
                .metadata(Map.of("cuisine", cuisine, "vegetarian", vegetarian, "price", price)).build();
    }

    private HttpResponse<String> similar(String query, int topK, double threshold, String filter) throws Exception {
        String uri = "http://localhost:" + port + "/similar?query=" + encode(query) + "&topK=" + topK + "&threshold="
                + threshold + (filter == null ? "" : "&filter=" + encode(filter));
        return client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static JsonArray documents(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonArray();
    }

    private static List<String> ids(JsonArray documents) {
        List<String> ids = new ArrayList<>();
        for (JsonElement d : documents) {
            ids.add(d.getAsJsonObject().get("id").getAsString());
        }
        return ids;
    }

    @Test
    void theStarterConfiguresQuaterionsEmbeddingModelAndVectorStore() {
        assertInstanceOf(QuaterionEmbeddingModel.class, embeddingModel);
        assertEquals(384, embeddingModel.dimensions());
        assertEquals(8, assertInstanceOf(QuaterionVectorStore.class, store).size());
    }

    @Test
    void aSearchOverHttpFindsTheDishWithItsTextMetadataAndCosineScore() throws Exception {
        JsonArray pasta = documents(similar("italian pasta with meat sauce", 3, 0, null));
        assertEquals(3, pasta.size());
        var first = pasta.get(0).getAsJsonObject();
        assertEquals("dish-0", first.get("id").getAsString());
        assertEquals("spaghetti bolognese", first.get("text").getAsString());
        assertEquals("italian", first.getAsJsonObject("metadata").get("cuisine").getAsString());
        assertEquals(12, first.getAsJsonObject("metadata").get("price").getAsInt());
        float[] q = embeddingModel.embed("italian pasta with meat sauce");
        float[] d = embeddingModel.embed("spaghetti bolognese");
        double cosine = 0;
        for (int i = 0; i < q.length; i++) {
            cosine += q[i] * d[i];
        }
        assertEquals(cosine, first.get("score").getAsDouble(), 1e-5, "the score is the cosine similarity");
    }

    @Test
    void aFilterExpressionKeepsOnlyMatchingDocuments() throws Exception {
        List<String> vegetarian = ids(documents(similar("italian pasta with meat sauce", 3, 0,
                "vegetarian == true && cuisine in ['italian', 'japanese'] && price < 14")));
        assertEquals(List.of("dish-2", "dish-4"), vegetarian.stream().sorted().toList(), vegetarian.toString());
        List<String> notItalian = ids(documents(similar("rice", 8, 0, "NOT (cuisine == 'italian')")));
        assertEquals(List.of("dish-3", "dish-4", "dish-5", "dish-6", "dish-7"), notItalian.stream().sorted().toList());
    }

    @Test
    void aThresholdDropsDocumentsScoringBelowIt() throws Exception {
        JsonArray all = documents(similar("japanese soup", 8, 0, null));
        assertEquals(8, all.size());
        assertEquals("dish-4", all.get(0).getAsJsonObject().get("id").getAsString());
        double best = all.get(0).getAsJsonObject().get("score").getAsDouble();
        double second = all.get(1).getAsJsonObject().get("score").getAsDouble();
        assertTrue(best > second, best + " vs " + second);
        JsonArray kept = documents(similar("japanese soup", 8, (best + second) / 2, null));
        assertEquals(List.of("dish-4"), ids(kept));
    }

    @Test
    void anUnsupportedFilterIsRefusedWithTheReason() throws Exception {
        HttpResponse<String> refused = similar("soup", 3, 0, "vegetarian > true");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("no order"), refused.body());
    }
}
