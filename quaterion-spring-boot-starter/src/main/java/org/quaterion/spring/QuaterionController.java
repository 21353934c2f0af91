package org.quaterion.spring;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.search.VectorIndex;
import org.quaterion.search.rerank.RerankedHit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /embed} {@code {"texts": [...]}} → {@code {"vectors": [[...]]}} and {@code POST /search}
 * {@code {"query": "...", "k": 5}} → {@code {"hits": [{"id": ..., "distance": ..., "payload": ...}]}}, re-ranked with
 * {@code "rerank": true} (and optionally {@code "candidates": 50}) when a re-ranker is configured. Bodies are
 * read and written with the starter's own strict JSON binding (see docs/spring-boot.md), not the application's
 * {@code ObjectMapper}; refusals are {@code {"error": "..."}} (written by the starter's error resolver).
 */
@RestController
public class QuaterionController {

    /** The embedding endpoint's path. */
    public static final String EMBED = "/embed";
    /** The search endpoint's path. */
    public static final String SEARCH = "/search";

    private static final String EMBED_EXAMPLE = "{\"texts\": [\"greek salad\", \"miso soup\"]}";
    private static final String SEARCH_EXAMPLE = "{\"query\": \"italian pasta\", \"k\": 3}";

    private final QuaterionService service;
    private final StrictJson json;

    /**
     * Creates the controller.
     *
     * @param service the service it calls
     */
    public QuaterionController(QuaterionService service) {
        this(service, new StrictJson());
    }

    QuaterionController(QuaterionService service, StrictJson json) {
        this.service = service;
        this.json = json;
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
     * @param rerank whether the re-ranker re-scores the nearest {@code candidates} hits (default false)
     * @param candidates hits re-scored (only with {@code rerank}; default {@code quaterion.reranker.candidates})
     */
    public record SearchRequest(String query, Integer k, Boolean rerank, Integer candidates) {}

    /**
     * A search answer.
     *
     * @param hits nearest first
     */
    public record SearchResponse(List<HitJson> hits) {}

    /**
     * Embeds texts.
     *
     * @param body {@code {"texts": [...]}}
     * @return their vectors
     */
    @PostMapping(path = EMBED, consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> embed(InputStream body) {
        EmbedRequest request = json.read(body, EmbedRequest.class, EMBED_EXAMPLE);
        return ok(new EmbedResponse(service.embed(request.texts())));
    }

    /**
     * Searches the index.
     *
     * @param body {@code {"query": "...", "k": 5}}, optionally {@code "rerank": true, "candidates": 50}
     * @return the hits, each with its payload when it has one (and the re-ranker's score when re-ranked)
     */
    @PostMapping(path = SEARCH, consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> search(InputStream body) {
        SearchRequest request = json.read(body, SearchRequest.class, SEARCH_EXAMPLE);
        int k = request.k() == null ? 10 : request.k();
        boolean rerank = Boolean.TRUE.equals(request.rerank());
        if (request.candidates() != null && !rerank) {
            throw new InputRejectedException(400, "\"candidates\" is the number of hits re-ranked: send it with "
                    + "\"rerank\": true, or leave it out");
        }
        List<HitJson> out = new ArrayList<>();
        if (rerank) {
            for (RerankedHit hit : service.rerankedSearch(request.query(), k, request.candidates())) {
                out.add(HitJson.of(hit));
            }
        } else {
            for (VectorIndex.Hit hit : service.search(request.query(), k)) {
                out.add(HitJson.of(hit));
            }
        }
        return ok(new SearchResponse(out));
    }

    private ResponseEntity<byte[]> ok(Object answer) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.write(answer));
    }
}
