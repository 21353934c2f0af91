package org.quaterion.springai.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.models.SimilarityModel;
import org.quaterion.springai.QuaterionEmbeddingModel;
import org.quaterion.springai.QuaterionVectorStore;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/** docs/spring-ai.md, the adapters without Spring Boot (checked by DocSnippetsTest, run by SpringAiSnippetsTest). */
final class SpringAiStandalone {

    private SpringAiStandalone() {}

    static List<Document> run(Path servable, Path storeDir) throws IOException {
        // snippet-start
        List<Document> hits;
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class);
                QuaterionVectorStore store = QuaterionVectorStore.create(new QuaterionEmbeddingModel(model))) {
            store.add(List.of(
                    Document.builder().id("faq-1").text("Return a parcel within 30 days for a refund")
                            .metadata(Map.of("topic", "returns", "year", 2024)).build(),
                    Document.builder().id("faq-2").text("Parcels to Norway arrive in five working days")
                            .metadata(Map.of("topic", "shipping", "year", 2024)).build(),
                    Document.builder().id("faq-3").text("Returns were free until 2023")
                            .metadata(Map.of("topic", "returns", "year", 2022)).build()));
            hits = store.similaritySearch(SearchRequest.builder().query("how do I send a parcel back?").topK(3)
                    .similarityThreshold(0.2)                                  // cosine similarity >= 0.2
                    .filterExpression("topic in ['returns', 'refunds'] && year >= 2024").build());
            store.save(storeDir);           // QuaterionVectorStore.open(embeddingModel, storeDir) reads it back
        }
        // snippet-end
        return hits;
    }
}
