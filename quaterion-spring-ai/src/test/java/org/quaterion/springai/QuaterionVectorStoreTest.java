package org.quaterion.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TextCountsEncoder;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.search.VectorIndex;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

class QuaterionVectorStoreTest {

    private static final SimilarityModel<String> MODEL = SimilarityModel.<String>builder()
            .setEncoder(TextCountsEncoder.create()).setHead(new NormalizeHead(TextCountsEncoder.SIZE)).build();
    private static final QuaterionEmbeddingModel EMBEDDINGS = new QuaterionEmbeddingModel(MODEL);

    @TempDir
    Path tmp;

    @AfterAll
    static void close() {
        MODEL.close();
    }

    private static Document film(String id, String title, String genre, int year) {
        return Document.builder().id(id).text(title).metadata(Map.of("genre", genre, "year", year)).build();
    }

    private static List<Document> films() {
        return List.of(film("f1", "alien", "horror", 1979), film("f2", "metropolis", "drama", 1927),
                film("f3", "nosferatu", "horror", 1922), film("f4", "vertigo", "thriller", 1958),
                film("f5", "zodiac", "thriller", 2007));
    }

    private static List<String> ids(List<Document> documents) {
        return documents.stream().map(Document::getId).toList();
    }

    private static double score(Document document) {
        return Objects.requireNonNull(document.getScore(), "a search result has a score");
    }

    private static SearchRequest.Builder query(String text) {
        return SearchRequest.builder().query(text).topK(5);
    }

    @Test
    void searchReturnsIdTextMetadataAndTheCosineScore() throws Exception {
        try (QuaterionVectorStore store = QuaterionVectorStore.create(EMBEDDINGS)) {
            store.add(films());
            List<Document> hits = store.similaritySearch(query("vertigo").topK(2).build());
            Document top = hits.get(0);
            assertEquals("f4", top.getId());
            assertEquals("vertigo", top.getText());
            assertEquals("thriller", top.getMetadata().get("genre"));
            assertEquals(1958, top.getMetadata().get("year"));
            assertEquals(1.0, score(top), 1e-6, "the same text has cosine 1");
            assertEquals(0.0, (double) top.getMetadata().get("distance"), 1e-6);
            float[] q = EMBEDDINGS.embed("vertigo");
            float[] d = EMBEDDINGS.embed(Objects.requireNonNull(hits.get(1).getText()));
            double cosine = 0;
            for (int i = 0; i < q.length; i++) {
                cosine += q[i] * d[i];
            }
            assertEquals(cosine, score(hits.get(1)), 1e-6);
            assertEquals(2, hits.size());
            assertEquals(List.of(), store.similaritySearch(query("vertigo").topK(0).build()));
        }
    }

    @Test
    void filterAndThresholdSelectAndUnsupportedFiltersAreRefused() throws Exception {
        try (QuaterionVectorStore store = QuaterionVectorStore.create(EMBEDDINGS)) {
            IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                    () -> store.similaritySearch(query("x").filterExpression("year > true").build()));
            assertTrue(early.getMessage().contains("no order"), "refused before any document: " + early.getMessage());
            store.add(films());
            assertEquals(List.of("f1", "f3"), ids(store.similaritySearch(query("alien")
                    .filterExpression("genre == 'horror'").build())));
            assertEquals(List.of("f5"), ids(store.similaritySearch(query("alien")
                    .filterExpression("genre == 'thriller' && year >= 2000").build())));
            List<Document> all = store.similaritySearch(query("alien").build());
            assertEquals(5, all.size());
            double cut = (score(all.get(1)) + score(all.get(2))) / 2;
            assertEquals(ids(all.subList(0, 2)),
                    ids(store.similaritySearch(query("alien").similarityThreshold(cut).build())));
            assertThrows(IllegalArgumentException.class,
                    () -> store.similaritySearch(SearchRequest.builder().query("  ").build()));
        }
    }

    @Test
    void reAddingAnIdReplacesItAndDeletesByIdOrFilter() throws Exception {
        try (QuaterionVectorStore store = QuaterionVectorStore.create(EMBEDDINGS)) {
            store.add(films());
            store.add(List.of(film("f2", "psycho", "thriller", 1960)));
            assertEquals(5, store.size());
            Document replaced = store.similaritySearch(query("psycho").topK(1).build()).get(0);
            assertEquals("f2", replaced.getId());
            assertEquals(1960, replaced.getMetadata().get("year"));
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> store.add(List.of(film("f9", "a", "b", 1), film("f9", "c", "d", 2))));
            assertTrue(twice.getMessage().contains("f9 appears twice"), twice.getMessage());
            IllegalArgumentException object = assertThrows(IllegalArgumentException.class, () -> store.add(List.of(
                    Document.builder().id("f8").text("heat").metadata("when", new java.util.Date(0)).build())));
            assertTrue(object.getMessage().contains("'when'"), object.getMessage());
            assertEquals(5, store.size(), "refused adds change nothing");
            store.delete(List.of("f1", "missing"));
            assertEquals(4, store.size());
            store.delete("genre == 'thriller'");
            assertEquals(List.of("f3"), ids(store.similaritySearch(query("zodiac").build())));
        }
    }

    @Test
    void aSavedStoreOpensWithItsDocumentsAndOnlyCosineScoresAreAccepted() throws Exception {
        Path dir = tmp.resolve("store");
        List<Document> before;
        try (QuaterionVectorStore store = QuaterionVectorStore.create(EMBEDDINGS)) {
            store.add(films());
            before = store.similaritySearch(query("nosferatu").build());
            store.save(dir);
        }
        try (QuaterionVectorStore store = QuaterionVectorStore.open(EMBEDDINGS, dir)) {
            assertEquals(before, store.similaritySearch(query("nosferatu").build()));
            store.add(List.of(film("f6", "jaws", "thriller", 1975)));
            assertEquals("f6", store.similaritySearch(query("jaws").topK(1).build()).get(0).getId());
        }
        IllegalArgumentException euclidean = assertThrows(IllegalArgumentException.class,
                () -> QuaterionVectorStore.create(EMBEDDINGS,
                        VectorIndex.Config.defaults().withDistance(Distance.euclidean())));
        assertTrue(euclidean.getMessage().contains("cosine"), euclidean.getMessage());
        try (QuaterionVectorStore dot = QuaterionVectorStore.create(EMBEDDINGS,
                VectorIndex.Config.defaults().withDistance(Distance.dotProduct().normalized()))) {
            dot.add(films());
            assertEquals(1.0, score(dot.similaritySearch(query("zodiac").topK(1).build()).get(0)), 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> QuaterionVectorStore.open(EMBEDDINGS, dir,
                VectorIndex.Config.defaults().withDistance(Distance.dotProduct().normalized())));
    }
}
