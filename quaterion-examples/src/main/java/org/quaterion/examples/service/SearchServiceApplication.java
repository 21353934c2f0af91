package org.quaterion.examples.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A search service in a few lines: the Quaterion starter configures the model, the index and the {@code /embed} and
 * {@code /search} endpoints from {@code quaterion.model.path}, {@code quaterion.index.path} and
 * {@code quaterion.index.source}. Run it with {@code --quaterion.model.path=DIR --quaterion.index.path=DIR
 * --quaterion.index.source=catalogue.jsonl} (a servable, where the index goes, and a JSONL catalogue of
 * {@code {"id": ..., "text": ..., "payload": ...}} lines it is built from at the first start), then
 * {@code curl -d '{"query":"pasta","k":3}' -H 'Content-Type: application/json' localhost:8080/search}.
 */
@SpringBootApplication
public class SearchServiceApplication {

    /** Creates the application (Spring instantiates it). */
    public SearchServiceApplication() {}

    /**
     * Starts the service.
     *
     * @param args Spring Boot arguments, e.g. {@code --quaterion.model.path=DIR}
     */
    public static void main(String[] args) {
        SpringApplication.run(SearchServiceApplication.class, args);
    }
}
