package org.quaterion.springai.docs;

import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;

/** docs/spring-ai.md, a Spring bean using the auto-configured store (checked by DocSnippetsTest). */
final class SpringAiInjected {

    private SpringAiInjected() {}

    // snippet-start
    /** Any Spring bean: the starter's VectorStore (a QuaterionVectorStore) is injected like any Spring AI store. */
    static class MenuSearch {
        private final VectorStore store;

        MenuSearch(VectorStore store) {
            this.store = store;
        }

        List<Document> vegetarianUnder(String query, int price) {
            return store.similaritySearch(SearchRequest.builder().query(query).topK(5)
                    .filterExpression("vegetarian == true && price < " + price).build());
        }
    }
    // snippet-end
}
