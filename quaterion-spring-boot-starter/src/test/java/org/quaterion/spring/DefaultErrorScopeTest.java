package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.spring.app.TestApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * By default ({@code quaterion.web.json-errors=endpoints}) only the starter's endpoints answer
 * {@code {"error": "..."}}: the application's other paths keep Spring Boot's error bodies, and a search without an
 * index is a 404 of that shape.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DefaultErrorScopeTest {

    private static Path dir;

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void servable(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("starter-default-errors");
        TestServables.saveServable(dir.resolve("servable"));
        registry.add("quaterion.model.path", () -> dir.resolve("servable").toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        AtomicDirectory.deleteRecursively(dir);
    }

    @Test
    void otherPathsKeepTheApplicationsErrorsAndTheEndpointsAnswerTheirShape() throws Exception {
        HttpClientSupport http = new HttpClientSupport(port);
        HttpResponse<String> unknown = http.send("GET", "/nowhere", null, null);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(HttpClientSupport.json(unknown).has("status"), "Spring Boot's own body: " + unknown.body());

        HttpResponse<String> get = http.send("GET", "/search", null, null);
        assertEquals(405, get.statusCode(), get.body());
        assertEquals(Set.of("error"), HttpClientSupport.json(get).keySet(), get.body());

        HttpResponse<String> noIndex = http.postJson("/search", "{\"query\": \"soup\"}");
        assertEquals(404, noIndex.statusCode(), noIndex.body());
        JsonObject body = HttpClientSupport.json(noIndex);
        assertEquals(Set.of("error"), body.keySet(), noIndex.body());
        assertTrue(body.get("error").getAsString().contains("quaterion.index.source"), noIndex.body());
    }
}
