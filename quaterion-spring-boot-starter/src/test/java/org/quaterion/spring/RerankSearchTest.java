package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.spring.app.TestApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /search} with {@code "rerank": true} over an index whose payloads carry each dish's text, re-ranked by an
 * application's {@code PairScorer<String, String>} bean that prefers "beef tacos" and otherwise shorter texts.
 */
@SpringBootTest(classes = {TestApplication.class, RerankSearchTest.Reranker.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RerankSearchTest {

    private static Path dir;

    @LocalServerPort
    private int port;

    private HttpClientSupport http;

    /** The application's re-ranker: "beef tacos" scores 10, any other text minus its length. */
    @TestConfiguration
    static class Reranker {
        @Bean
        PairScorer<String, String> testReranker() {
            return new PairScorer<>() {
                @Override
                public float[] score(String query, List<String> candidates) {
                    float[] out = new float[candidates.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = candidates.get(i).equals("beef tacos") ? 10 : -candidates.get(i).length();
                    }
                    return out;
                }

                @Override
                public void close() {}
            };
        }
    }

    @DynamicPropertySource
    static void servable(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("starter-rerank");
        TestServables.saveServable(dir.resolve("servable"));
        TestServables.buildIndexWithTexts(dir.resolve("servable"), dir.resolve("index"));
        registry.add("quaterion.model.path", () -> dir.resolve("servable").toString());
        registry.add("quaterion.index.path", () -> dir.resolve("index").toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        AtomicDirectory.deleteRecursively(dir);
    }

    @BeforeEach
    void client() {
        http = new HttpClientSupport(port);
    }

    private static List<String> ids(JsonArray hits) {
        List<String> out = new ArrayList<>();
        hits.forEach(h -> out.add(h.getAsJsonObject().get("id").getAsString()));
        return out;
    }

    private JsonArray hits(String body) throws Exception {
        HttpResponse<String> response = http.postJson("/search", body);
        assertEquals(200, response.statusCode(), response.body());
        return HttpClientSupport.json(response).getAsJsonArray("hits");
    }

    @Test
    void rerankedHitsCarryTheScoreAndTheFirstStageDistance() throws Exception {
        // every dish is a candidate (default 50 > 8): beef tacos (10), miso soup (-9), greek salad (-11)
        JsonArray hits = hits("{\"query\": \"miso soup\", \"k\": 3, \"rerank\": true}");
        assertEquals(List.of("dish-5", "dish-7", "dish-3"), ids(hits));
        JsonObject first = hits.get(0).getAsJsonObject();
        assertEquals(10.0, first.get("score").getAsDouble());
        assertEquals("beef tacos", first.getAsJsonObject("payload").get("text").getAsString());
        JsonObject second = hits.get(1).getAsJsonObject();
        assertEquals(-9.0, second.get("score").getAsDouble());
        assertEquals(0.0, second.get("distance").getAsDouble(), 1e-5); // the query's own text
        assertTrue(first.get("distance").getAsDouble() > 0.01, first.toString());
        assertEquals(ids(hits), ids(hits("{\"query\": \"miso soup\", \"k\": 3, \"rerank\": true, \"candidates\": 8}")));
        // one candidate: only the nearest dish can come back, whatever the re-ranker prefers
        assertEquals(List.of("dish-7"), ids(hits("{\"query\": \"miso soup\", \"k\": 1, \"rerank\": true, "
                + "\"candidates\": 1}")));
        // without rerank: the first stage's order, no score
        JsonArray plain = hits("{\"query\": \"miso soup\", \"k\": 3}");
        assertEquals("dish-7", ids(plain).get(0));
        assertTrue(!plain.get(0).getAsJsonObject().has("score"), plain.toString());
    }

    @Test
    void candidatesOutOfRangeAreRefused() throws Exception {
        HttpResponse<String> fewer = http.postJson("/search",
                "{\"query\": \"miso soup\", \"k\": 3, \"rerank\": true, \"candidates\": 2}");
        assertEquals(400, fewer.statusCode(), fewer.body());
        assertTrue(fewer.body().contains("topN (3) exceeds candidates (2)"), fewer.body());
        HttpResponse<String> many = http.postJson("/search",
                "{\"query\": \"miso soup\", \"rerank\": true, \"candidates\": 201}");
        assertEquals(400, many.statusCode(), many.body());
        assertTrue(many.body().contains("quaterion.reranker.max-candidates"), many.body());
        HttpResponse<String> alone = http.postJson("/search", "{\"query\": \"miso soup\", \"candidates\": 20}");
        assertEquals(400, alone.statusCode(), alone.body());
        assertTrue(alone.body().contains("with \\\"rerank\\\": true"), alone.body());
    }
}
