package org.quaterion.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quaterion.langchain4j.docs.LangChain4jRetrieval;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.onnx.MiniLm;

/**
 * LangChain4j's own ingestion ({@link EmbeddingStoreIngestor} with a splitter of {@link DocumentSplitters}) and
 * retrieval ({@link EmbeddingStoreContentRetriever}) over the adapters, with a servable fine-tuned here (frozen
 * MiniLM + a head trained with {@code Quaterion.fit}); and the embedding model against {@link SimilarityModel#encode}.
 */
class LangChain4jRetrievalTest {

    /** Questions worded unlike any training question → the passage that answers them. */
    private static final Map<String, String> UNSEEN = Map.of(
            "What is the nightly limit for accommodation in Paris?", "Hotel rooms are reimbursed",
            "My notebook computer was stolen on a trip, what now?", "A lost laptop is reported",
            "Can unused holiday be moved to next year?", "Every employee has twenty-eight days",
            "Is there a place for cycling commuters to store their bikes and shower?", "Bicycles are parked");

    private static Path dir;
    private static Path servable;

    @BeforeAll
    static void fineTune() throws IOException {
        dir = Files.createTempDirectory("quaterion-langchain4j");
        servable = FineTunedMiniLm.train(HandbookCorpus.pairs(), 15, dir.resolve("servable"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        AtomicDirectory.deleteRecursively(dir);
    }

    /** The passage a question belongs to, by its text. */
    private static String top(EmbeddingStoreContentRetriever retriever, String question) {
        List<Content> contents = retriever.retrieve(Query.from(question));
        return contents.isEmpty() ? "(nothing)" : contents.get(0).textSegment().text();
    }

    @Test
    void ingestorAndRetrieverFindTheRightPassageWithTheFineTunedModel() throws Exception {
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class);
                QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(model.embeddingSize())) {
            QuaterionEmbeddingModel embeddings = QuaterionEmbeddingModel.builder(model).batchSize(8).build();
            EmbeddingStoreIngestor.builder()
                    .documentSplitter(DocumentSplitters.recursive(HandbookCorpus.MAX_SEGMENT_CHARS, 0))
                    .embeddingModel(embeddings).embeddingStore(store).build()
                    .ingest(HandbookCorpus.documents());
            assertEquals(20, store.size(), "one segment per paragraph");
            EmbeddingStoreContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store).embeddingModel(embeddings).maxResults(3).build();
            int right = 0;
            for (Map<String, String> passages : HandbookCorpus.DOCUMENTS.values()) {
                for (Map.Entry<String, String> p : passages.entrySet()) {
                    right += top(retriever, p.getValue()).equals(p.getKey()) ? 1 : 0;
                }
            }
            assertEquals(20, right, "training questions answered by their passage");
            for (Map.Entry<String, String> q : UNSEEN.entrySet()) {
                List<Content> contents = retriever.retrieve(Query.from(q.getKey()));
                Content best = contents.get(0);
                System.out.printf(Locale.ROOT, "LangChain4jRetrievalTest: '%s' -> '%s' (score %.4f, %s)%n",
                        q.getKey(), best.textSegment().text(), (Double) best.metadata().get(ContentMetadata.SCORE),
                        best.textSegment().metadata().getString("file_name"));
                assertTrue(best.textSegment().text().startsWith(q.getValue()), q.getKey() + " -> "
                        + best.textSegment().text());
            }
            // a metadata filter keeps the retriever inside one document
            EmbeddingStoreContentRetriever itOnly = EmbeddingStoreContentRetriever.builder().embeddingStore(store)
                    .embeddingModel(embeddings).maxResults(5)
                    .filter(metadataKey("file_name").isEqualTo("it-handbook.txt")).build();
            List<Content> filtered = itOnly.retrieve(Query.from("How much can a hotel night cost?"));
            assertEquals(5, filtered.size());
            filtered.forEach(c -> assertEquals("it-handbook.txt", c.textSegment().metadata().getString(
                    "file_name")));
        }
    }

    /** Mean over the training questions of the score of their passage minus the best other score. */
    private static double meanMargin(SimilarityModel<String> model) throws IOException {
        try (QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(model.embeddingSize())) {
            QuaterionEmbeddingModel embeddings = QuaterionEmbeddingModel.of(model);
            EmbeddingStoreIngestor.builder()
                    .documentSplitter(DocumentSplitters.recursive(HandbookCorpus.MAX_SEGMENT_CHARS, 0))
                    .embeddingModel(embeddings).embeddingStore(store).build()
                    .ingest(HandbookCorpus.documents());
            double sum = 0;
            int n = 0;
            for (Map<String, String> passages : HandbookCorpus.DOCUMENTS.values()) {
                for (Map.Entry<String, String> p : passages.entrySet()) {
                    double own = 0;
                    double other = 0;
                    for (EmbeddingMatch<TextSegment> m : store.search(EmbeddingSearchRequest.builder()
                            .queryEmbedding(embeddings.embed(p.getValue()).content()).maxResults(20).build())
                            .matches()) {
                        if (m.embedded().text().equals(p.getKey())) {
                            own = m.score();
                        } else {
                            other = Math.max(other, m.score());
                        }
                    }
                    sum += own - other;
                    n++;
                }
            }
            return sum / n;
        }
    }

    @Test
    void fineTuningWidensTheMarginOverFrozenMiniLm() throws Exception {
        double base;
        try (SimilarityModel<String> frozen = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new EmptyHead(MiniLm.DIM)).build()) {
            base = meanMargin(frozen);
        }
        double tuned;
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class)) {
            tuned = meanMargin(model);
        }
        System.out.printf(Locale.ROOT, "LangChain4jRetrievalTest: mean margin of the right passage over the best "
                + "other, frozen MiniLM %.4f, fine-tuned %.4f%n", base, tuned);
        assertTrue(tuned > base, "fine-tuned " + tuned + " vs frozen " + base);
    }

    @Test
    void theDocumentedSnippetRetrievesAndSavesAStoreThatReopens() throws Exception {
        String question = "How early must flights be booked?";
        Path storeDir = dir.resolve("rag-index");
        List<Content> contents = LangChain4jRetrieval.retrieve(servable, HandbookCorpus.documents(),
                HandbookCorpus.MAX_SEGMENT_CHARS, question, storeDir);
        assertTrue(contents.get(0).textSegment().text().startsWith("Flights must be booked through the travel desk"),
                contents.toString());
        double score = (Double) contents.get(0).metadata().get(ContentMetadata.SCORE);
        System.out.printf(Locale.ROOT, "LangChain4jRetrievalTest: docs snippet '%s' -> '%s' (score %.4f), %d "
                + "contents%n", question, contents.get(0).textSegment().text(), score, contents.size());
        assertTrue(score >= 0.5 && score <= 1, "score " + score);
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class);
                QuaterionEmbeddingStore reopened = QuaterionEmbeddingStore.open(storeDir)) {
            assertEquals(20, reopened.size());
            Embedding query = QuaterionEmbeddingModel.of(model).embed(question).content();
            var match = reopened.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(1).build())
                    .matches().get(0);
            assertEquals(contents.get(0).textSegment(), match.embedded());
            assertEquals(score, match.score(), 1e-6);
        }
    }
}
