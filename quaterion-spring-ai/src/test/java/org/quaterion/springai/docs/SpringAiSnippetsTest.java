package org.quaterion.springai.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TextCountsEncoder;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.springai.QuaterionEmbeddingModel;
import org.quaterion.springai.QuaterionVectorStore;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/** Runs docs/spring-ai.md's snippets on a small text model. */
class SpringAiSnippetsTest {

    @TempDir
    Path tmp;

    @Test
    void theStandaloneSnippetFindsTheCurrentReturnsAnswerAndSavesTheStore() throws Exception {
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().setEncoder(TextCountsEncoder.create())
                .setHead(new NormalizeHead(TextCountsEncoder.SIZE)).build()) {
            model.save(tmp.resolve("servable"));
        }
        List<Document> hits = SpringAiStandalone.run(tmp.resolve("servable"), tmp.resolve("store"));
        assertEquals(List.of("faq-1"), hits.stream().map(Document::getId).toList());
        try (SimilarityModel<String> model = SimilarityModel.load(tmp.resolve("servable"), String.class);
                QuaterionVectorStore store = QuaterionVectorStore.open(new QuaterionEmbeddingModel(model),
                        tmp.resolve("store"))) {
            assertEquals(3, store.size());
            SpringAiInjected.MenuSearch search = new SpringAiInjected.MenuSearch(store);
            store.add(List.of(Document.builder().id("dish-1").text("mushroom risotto")
                    .metadata(Map.of("vegetarian", true, "price", 11)).build()));
            assertEquals(List.of("dish-1"), search.vegetarianUnder("risotto", 12).stream().map(Document::getId)
                    .toList());
            assertEquals(List.of(), store.similaritySearch(SearchRequest.builder().query("risotto")
                    .filterExpression("price < 11").build()));
        }
    }
}
