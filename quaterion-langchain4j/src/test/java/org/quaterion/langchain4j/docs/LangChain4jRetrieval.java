package org.quaterion.langchain4j.docs;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.langchain4j.QuaterionEmbeddingModel;
import org.quaterion.langchain4j.QuaterionEmbeddingStore;
import org.quaterion.models.SimilarityModel;

/** docs/langchain4j.md: LangChain4j's ingestion and retrieval on a servable trained here. */
public final class LangChain4jRetrieval {

    private LangChain4jRetrieval() {}

    /**
     * Ingests the documents (segments of whole paragraphs, up to {@code maxSegmentChars}), retrieves for the
     * question, saves the store.
     *
     * @param servable a saved {@code SimilarityModel<String>}
     * @param documents the documents
     * @param maxSegmentChars the longest segment
     * @param question the question
     * @param storeDir where the store is saved
     * @return the retrieved contents, best first
     * @throws IOException when the servable cannot be read or the store not saved
     */
    public static List<Content> retrieve(Path servable, List<Document> documents, int maxSegmentChars,
            String question, Path storeDir) throws IOException {
        // snippet-start
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class);
                QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(model.embeddingSize())) {
            EmbeddingModel embeddings = QuaterionEmbeddingModel.builder(model).batchSize(32).build();
            EmbeddingStoreIngestor.builder()
                    .documentSplitter(DocumentSplitters.recursive(maxSegmentChars, 0))
                    .embeddingModel(embeddings)
                    .embeddingStore(store)
                    .build()
                    .ingest(documents);
            ContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(embeddings)
                    .maxResults(3)
                    .minScore(0.5)
                    .build();
            List<Content> contents = retriever.retrieve(Query.from(question));
            store.save(storeDir); // QuaterionEmbeddingStore.open(storeDir) reads it back
            return contents;
        }
        // snippet-end
    }
}
