package org.quaterion.examples.springai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring AI application as its users write one: it injects Spring AI's {@link VectorStore} (auto-configured by the
 * Quaterion starter over the servable at {@code quaterion.model.path}) and answers {@code GET /similar} with
 * {@link VectorStore#similaritySearch(SearchRequest)}.
 */
@SpringBootApplication
@RestController
public class SpringAiSearchApplication {

    private final VectorStore store;

    /**
     * Creates the application around the store.
     *
     * @param store the auto-configured store
     */
    public SpringAiSearchApplication(VectorStore store) {
        this.store = store;
    }

    /**
     * The documents nearest a query.
     *
     * @param query the text
     * @param topK how many
     * @param threshold the least score kept (0: all)
     * @param filter a Spring AI filter expression over the metadata, or none
     * @return id, text, score and metadata per document, nearest first
     */
    @GetMapping("/similar")
    public List<Map<String, Object>> similar(@RequestParam("query") String query,
            @RequestParam(name = "topK", defaultValue = "4") int topK,
            @RequestParam(name = "threshold", defaultValue = "0") double threshold,
            @RequestParam(name = "filter", required = false) String filter) {
        SearchRequest.Builder request = SearchRequest.builder().query(query).topK(topK)
                .similarityThreshold(threshold);
        if (filter != null) {
            request.filterExpression(filter);
        }
        return store.similaritySearch(request.build()).stream().map(SpringAiSearchApplication::json).toList();
    }

    private static Map<String, Object> json(Document document) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", document.getId());
        out.put("text", document.getText());
        out.put("score", document.getScore());
        out.put("metadata", document.getMetadata());
        return out;
    }

    /**
     * A refused request (an unsupported filter, a blank query) as 400 with the reason.
     *
     * @param e the refusal
     * @return {@code {"error": …}}
     */
    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public Map<String, String> refused(IllegalArgumentException e) {
        return Map.of("error", e.getMessage());
    }
}
