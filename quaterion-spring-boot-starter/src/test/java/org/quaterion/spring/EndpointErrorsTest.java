package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.spring.app.TestApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every refusal of the endpoints is {@code {"error": "..."}} with a message that names the problem: wrong method,
 * wrong media type, unknown path (with {@code quaterion.web.json-errors=all}) and each strict-binding case.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "quaterion.web.json-errors=all")
class EndpointErrorsTest {

    private static Path dir;

    @LocalServerPort
    private int port;

    private HttpClientSupport http;

    @DynamicPropertySource
    static void servable(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("starter-errors");
        TestServables.saveServable(dir.resolve("servable"));
        TestServables.buildIndex(dir.resolve("servable"), dir.resolve("index"));
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

    /** Asserts the status and the {@code {"error": "..."}} shape (one string field), and returns the message. */
    private static String error(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonObject body = HttpClientSupport.json(response);
        assertEquals(Set.of("error"), body.keySet(), response.body());
        return body.get("error").getAsString();
    }

    private static void assertMentions(String message, String... words) {
        for (String word : words) {
            assertTrue(message.contains(word), "expected '" + word + "' in: " + message);
        }
    }

    @Test
    void aValidSearchAnswers() throws Exception {
        HttpResponse<String> ok = http.postJson("/search", "{\"query\": \"miso soup\", \"k\": 2}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("dish-7", HttpClientSupport.json(ok).getAsJsonArray("hits").get(0).getAsJsonObject()
                .get("id").getAsString());
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> get = http.send("GET", "/search", null, null);
        assertMentions(error(get, 405), "GET", "POST", "/search");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertMentions(error(http.send("PUT", "/embed", "application/json", "{}"), 405), "PUT", "POST");
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        assertMentions(error(http.send("POST", "/search", "text/plain", "pasta"), 415), "text/plain",
                "application/json");
        assertMentions(error(http.send("POST", "/embed", "application/x-www-form-urlencoded", "texts=a"), 415),
                "application/json");
        assertMentions(error(http.send("POST", "/search", null, "{\"query\": \"x\"}"), 415), "application/json");
    }

    @Test
    void unknownPathsAre404() throws Exception {
        assertMentions(error(http.send("GET", "/nowhere", null, null), 404), "/nowhere", "/search", "/embed");
        assertMentions(error(http.postJson("/serach", "{\"query\": \"x\"}"), 404), "/serach", "/search");
    }

    @Test
    void kMustBeAnInteger() throws Exception {
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\", \"k\": 1.5}"), 400), "\"k\"", "integer");
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\", \"k\": 2.0}"), 400), "\"k\"", "integer");
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\", \"k\": \"3\"}"), 400), "\"k\"",
                "integer");
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\", \"k\": true}"), 400), "\"k\"");
    }

    @Test
    void textsMustBeTexts() throws Exception {
        assertMentions(error(http.postJson("/embed", "{\"texts\": \"a\"}"), 400), "\"texts\"", "list");
        assertMentions(error(http.postJson("/embed", "{\"texts\": [\"a\", 5]}"), 400), "\"texts[1]\"", "text");
        assertMentions(error(http.postJson("/search", "{\"query\": 5}"), 400), "\"query\"", "text");
        assertMentions(error(http.postJson("/search", "{\"query\": [\"x\"]}"), 400), "\"query\"", "text");
    }

    @Test
    void unknownAndDuplicateFieldsAreRefused() throws Exception {
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\", \"kk\": 3}"), 400), "\"kk\"", "\"k\"",
                "\"query\"");
        assertMentions(error(http.postJson("/embed", "{\"text\": [\"a\"]}"), 400), "\"text\"", "\"texts\"");
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\", \"k\": 1, \"k\": 50}"), 400), "\"k\"",
                "twice");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        byte[] big = ("{\"texts\": [\"" + "a".repeat(2 << 20) + "\"]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = http.client().send(HttpRequest.newBuilder(http.uri("/embed"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertMentions(error(response, 413), "max-request-bytes");
    }

    @Test
    void malformedBodiesAreRefused() throws Exception {
        assertMentions(error(http.postJson("/search", "query=pasta"), 400), "JSON");
        assertMentions(error(http.postJson("/search", ""), 400), "empty");
        assertMentions(error(http.postJson("/search", "[\"x\"]"), 400), "object");
        assertMentions(error(http.postJson("/search", "{\"query\": \"x\"} {}"), 400), "after");
    }

    @Test
    void rerankWithoutARerankerIsRefused() throws Exception {
        assertMentions(error(http.postJson("/search", "{\"query\": \"miso soup\", \"rerank\": true}"), 400),
                "needs a re-ranker", "quaterion.reranker.path", "PairScorer<String, String>");
        assertMentions(error(http.postJson("/search", "{\"query\": \"miso soup\", \"rerank\": \"true\"}"), 400),
                "\"rerank\" must be true or false");
        assertMentions(error(http.postJson("/search", "{\"query\": \"miso soup\", \"rerank\": 1}"), 400),
                "\"rerank\" must be true or false");
    }
}
