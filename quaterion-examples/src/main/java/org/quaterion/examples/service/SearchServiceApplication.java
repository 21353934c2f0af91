package org.quaterion.examples.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A search service in a few lines: the Quaterion starter configures the model, the index and the {@code /embed} and
 * {@code /search} endpoints from {@code quaterion.model.path} and {@code quaterion.index.path}. Run it with
 * {@code --quaterion.model.path=DIR --quaterion.index.path=DIR} (a servable and an index built by
 * {@code VectorIndex.build}), then {@code curl -d '{"query":"pasta","k":3}' -H 'Content-Type: application/json'
 * localhost:8080/search}.
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
