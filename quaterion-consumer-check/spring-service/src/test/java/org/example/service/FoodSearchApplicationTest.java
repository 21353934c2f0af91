package org.example.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Starts the service as configured (the index is built from catalogue.jsonl) and searches it over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FoodSearchApplicationTest {

    @Autowired
    private TestRestTemplate http;

    @Test
    void searchAnswersTheNearestDishWithItsPayload() throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> response = http.postForEntity("/search",
                new HttpEntity<>("{\"query\": \"italian pasta with meat sauce\", \"k\": 2}", headers), String.class);
        assertEquals(200, response.getStatusCode().value(), response.getBody());
        JsonNode top = new ObjectMapper().readTree(response.getBody()).get("hits").get(0);
        assertEquals("dish-1", top.get("id").asText());
        assertEquals("Spaghetti bolognese", top.get("payload").get("name").asText());
        assertEquals(12.5, top.get("payload").get("price").asDouble());
    }

    @Test
    void healthShowsTheModelAndTheIndex() throws Exception {
        JsonNode health = new ObjectMapper().readTree(http.getForObject("/actuator/health", String.class));
        assertEquals("UP", health.get("components").get("quaterion").get("status").asText());
        assertEquals(6, health.get("components").get("quaterion").get("details").get("indexSize").asInt());
    }
}
