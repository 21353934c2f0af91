package org.quaterion.examples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quaterion.models.SimilarityModel;
import org.quaterion.onnx.MiniLm;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The example service on a random port, configured by the application.properties that docs/spring-boot.md shows (the
 * consumer check's Spring Boot service) with this test's servable and catalogue, queried over HTTP as a client would.
 * The index is built from a JSONL catalogue at start-up: there is no index step.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "quaterion.model.max-input-chars=2000")
@TestPropertySource(locations = "file:../quaterion-consumer-check/spring-service/"
        + "src/main/resources/application.properties")
class SearchServiceApplicationTest {

    private static final String[] DISHES = {"spaghetti bolognese", "salmon nigiri", "chocolate brownie",
        "greek salad", "chicken curry", "beef tacos", "mushroom risotto", "miso soup"};

    private static Path dir;

    @LocalServerPort
    private int port;

    private final HttpClient client = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void servable(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("search-service");
        List<String> catalogue = new ArrayList<>();
        for (int i = 0; i < DISHES.length; i++) {
            catalogue.add("{\"id\": \"dish-" + i + "\", \"text\": \"" + DISHES[i] + "\", \"payload\": {\"name\": \""
                    + DISHES[i] + "\", \"position\": " + i + "}}");
        }
        Files.write(dir.resolve("catalogue.jsonl"), catalogue);
        try (SimilarityModel<String> model = MiniLmServables.normalizedInt8()) {
            model.save(dir.resolve("servable"));
        }
        registry.add("quaterion.model.path", () -> dir.resolve("servable").toString());
        registry.add("quaterion.index.path", () -> dir.resolve("index").toString());
        registry.add("quaterion.index.source", () -> dir.resolve("catalogue.jsonl").toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        org.quaterion.models.io.AtomicDirectory.deleteRecursively(dir);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(String searchBody) {
        List<String> ids = new ArrayList<>();
        for (var hit : JsonParser.parseString(searchBody).getAsJsonObject().getAsJsonArray("hits")) {
            ids.add(hit.getAsJsonObject().get("id").getAsString());
        }
        return ids;
    }

    @Test
    void searchFindsTheDishWithItsPayloadAndConcurrentRequestsEqualSequentialOnes() throws Exception {
        HttpResponse<String> pasta = post("/search", "{\"query\": \"italian pasta with meat sauce\", \"k\": 3}");
        assertEquals(200, pasta.statusCode(), pasta.body());
        assertEquals("dish-0", ids(pasta.body()).get(0));
        for (var hit : JsonParser.parseString(pasta.body()).getAsJsonObject().getAsJsonArray("hits")) {
            int i = Integer.parseInt(hit.getAsJsonObject().get("id").getAsString().substring(5));
            JsonObject payload = hit.getAsJsonObject().getAsJsonObject("payload");
            assertEquals(DISHES[i], payload.get("name").getAsString());
            assertEquals(i, payload.get("position").getAsInt());
        }
        List<String> queries = List.of("raw fish on rice", "dessert with cocoa", "spicy indian dish",
                "mexican street food", "japanese soup", "rice cooked slowly with mushrooms", "salad with feta",
                "bolognese");
        List<List<String>> sequential = new ArrayList<>();
        for (String q : queries) {
            sequential.add(ids(post("/search", "{\"query\": \"" + q + "\", \"k\": 4}").body()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String q : queries) {
                    futures.add(pool.submit(() -> ids(post("/search", "{\"query\": \"" + q + "\", \"k\": 4}").body())));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(sequential.get(i % queries.size()), futures.get(i).get(), "request " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void embedReturnsTheServablesVectors() throws Exception {
        HttpResponse<String> response = post("/embed", "{\"texts\": [\"greek salad\", \"miso soup\"]}");
        assertEquals(200, response.statusCode(), response.body());
        JsonArray vectors = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("vectors");
        float[][] expected;
        try (SimilarityModel<String> model = SimilarityModel.load(dir.resolve("servable"), String.class)) {
            expected = model.encode(List.of("greek salad", "miso soup"), 64);
        }
        assertEquals(2, vectors.size());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < MiniLm.DIM; j++) {
                assertEquals(expected[i][j], vectors.get(i).getAsJsonArray().get(j).getAsFloat(), 0f);
            }
        }
    }

    @Test
    void aTenMebibyteBodyGets413ABlankQuery400AndAnUnknownPath404() throws Exception {
        String huge = "{\"texts\": [\"" + "a".repeat(10 << 20) + "\"]}";
        HttpResponse<String> tooLarge = post("/embed", huge);
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
        assertTrue(tooLarge.body().contains("max-request-bytes"), tooLarge.body());
        HttpResponse<String> longText = post("/embed", "{\"texts\": [\"" + "word ".repeat(1000) + "\"]}");
        assertEquals(413, longText.statusCode(), longText.body());
        assertTrue(longText.body().contains("max-input-chars"), longText.body());
        HttpResponse<String> blank = post("/search", "{\"query\": \"   \", \"k\": 3}");
        assertEquals(400, blank.statusCode(), blank.body());
        assertTrue(blank.body().contains("blank"), blank.body());
        HttpResponse<String> notJson = post("/search", "query=pasta");
        assertEquals(400, notJson.statusCode(), notJson.body());
        HttpResponse<String> unknownPath = post("/serach", "{\"query\": \"pasta\"}");
        assertEquals(404, unknownPath.statusCode(), unknownPath.body());
        assertTrue(unknownPath.body().startsWith("{\"error\":"), unknownPath.body());
    }

    @Test
    void searchesAreTimedByMicrometer() throws Exception {
        assertEquals(200, post("/search", "{\"query\": \"soup\", \"k\": 2}").statusCode());
        HttpResponse<String> metric = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/metrics/quaterion.search")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metric.statusCode(), metric.body());
        double count = -1;
        for (var m : JsonParser.parseString(metric.body()).getAsJsonObject().getAsJsonArray("measurements")) {
            if (m.getAsJsonObject().get("statistic").getAsString().equals("COUNT")) {
                count = m.getAsJsonObject().get("value").getAsDouble();
            }
        }
        assertTrue(count >= 1, metric.body());
    }

    @Test
    void healthShowsTheModelAndTheIndex() throws Exception {
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        JsonObject quaterion = JsonParser.parseString(health.body()).getAsJsonObject().getAsJsonObject("components")
                .getAsJsonObject("quaterion");
        assertEquals("UP", quaterion.get("status").getAsString());
        assertEquals(MiniLm.DIM, quaterion.getAsJsonObject("details").get("dimension").getAsInt());
        assertEquals(8, quaterion.getAsJsonObject("details").get("indexSize").getAsInt());
    }
}
