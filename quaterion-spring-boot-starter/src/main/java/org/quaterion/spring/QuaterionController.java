package org.quaterion.spring;

import java.util.List;
import java.util.Map;
import org.quaterion.search.VectorIndex;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /embed} {@code {"texts": [...]}} → {@code {"vectors": [[...]]}} and {@code POST /search}
 * {@code {"query": "...", "k": 5}} → {@code {"hits": [{"id": ..., "distance": ...}]}}. Errors are
 * {@code {"error": "..."}} with 400 (invalid input), 413 (over a limit) or 404 (no index configured).
 */
@RestController
public class QuaterionController {

    /** The embedding endpoint's path. */
    public static final String EMBED = "/embed";
    /** The search endpoint's path. */
    public static final String SEARCH = "/search";

    private final QuaterionService service;

    /**
     * Creates the controller.
     *
     * @param service the service it calls
     */
    public QuaterionController(QuaterionService service) {
        this.service = service;
    }

    /**
     * An embedding request.
     *
     * @param texts the texts to embed
     */
    public record EmbedRequest(List<String> texts) {}

    /**
     * An embedding answer.
     *
     * @param vectors one vector per text
     */
    public record EmbedResponse(float[][] vectors) {}

    /**
     * A search request.
     *
     * @param query the text
     * @param k results wanted (default 10)
     */
    public record SearchRequest(String query, Integer k) {}

    /**
     * A search answer.
     *
     * @param hits nearest first
     */
    public record SearchResponse(List<VectorIndex.Hit> hits) {}

    /**
     * Embeds texts.
     *
     * @param request the texts
     * @return their vectors
     */
    @PostMapping(EMBED)
    public EmbedResponse embed(@RequestBody EmbedRequest request) {
        return new EmbedResponse(service.embed(request.texts()));
    }

    /**
     * Searches the index.
     *
     * @param request the query and k
     * @return the hits
     */
    @PostMapping(SEARCH)
    public SearchResponse search(@RequestBody SearchRequest request) {
        return new SearchResponse(service.search(request.query(), request.k() == null ? 10 : request.k()));
    }

    /**
     * Answers a refused input.
     *
     * @param e the refusal
     * @return 400 or 413 with the message
     */
    @ExceptionHandler(InputRejectedException.class)
    public ResponseEntity<Map<String, String>> rejected(InputRejectedException e) {
        return ResponseEntity.status(e.status()).body(Map.of("error", e.getMessage()));
    }

    /**
     * Answers a search without an index.
     *
     * @param e the failure
     * @return 404 with the message
     */
    @ExceptionHandler(IllegalStateException.class)
    public ResponseEntity<Map<String, String>> noIndex(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }

    /**
     * Answers a body that is not the expected JSON, or a chunked body over the size limit.
     *
     * @param e the failure
     * @return 400, or 413 when the body was too large
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestSizeFilter.TooLarge) {
                return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(Map.of("error", t.getMessage()));
            }
        }
        return ResponseEntity.badRequest().body(Map.of("error", "the body is not the expected JSON: send "
                + "{\"texts\": [\"...\"]} to " + EMBED + " or {\"query\": \"...\", \"k\": 5} to " + SEARCH));
    }
}
