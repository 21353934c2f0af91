package org.quaterion.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.onnx.MiniLm;

/** The embedding model against {@link SimilarityModel#encode}, and its refusals. */
class QuaterionEmbeddingModelTest {

    private static SimilarityModel<String> model;

    @BeforeAll
    static void open() {
        model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new LinearHead(MiniLm.DIM, 48)).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        HandbookCorpus.DOCUMENTS.values().forEach(p -> texts.addAll(p.keySet()));
        return texts;
    }

    @Test
    void embeddingsEqualEncodeInAnyBatchSize() {
        List<String> texts = texts();
        float[][] expected = model.encode(texts, 64);
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        for (int batchSize : new int[] {1, 3, 64}) {
            QuaterionEmbeddingModel adapter = QuaterionEmbeddingModel.builder(model).batchSize(batchSize).build();
            List<Embedding> got = adapter.embedAll(segments).content();
            assertEquals(texts.size(), got.size());
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected[i], got.get(i).vector(), 1e-6f, "batch " + batchSize + ", text " + i);
            }
        }
        QuaterionEmbeddingModel adapter = QuaterionEmbeddingModel.of(model);
        assertEquals(QuaterionEmbeddingModel.DEFAULT_BATCH_SIZE, adapter.batchSize());
        // LangChain4j's single-text path (embed(String) → embed(EmbeddingRequest) → doEmbed) ends in embedAll too
        assertArrayEquals(expected[4], adapter.embed(texts.get(4)).content().vector(), 1e-6f);
        assertEquals(List.of(), adapter.embedAll(List.of()).content());
    }

    @Test
    void aRoleAppliesItsPromptPrefix() {
        try (SimilarityModel<String> prompted = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new LinearHead(MiniLm.DIM, 48)).optPrompts(Prompts.of("query: ", "passage: ")).build()) {
            List<String> text = List.of("How early must flights be booked?");
            float[] queries = QuaterionEmbeddingModel.builder(prompted).role(Prompts.Role.QUERY).build()
                    .embed(text.get(0)).content().vector();
            float[] documents = QuaterionEmbeddingModel.builder(prompted).role(Prompts.Role.DOCUMENT).build()
                    .embed(text.get(0)).content().vector();
            assertArrayEquals(prompted.encodeQueries(text, 1)[0], queries, 1e-6f);
            assertArrayEquals(prompted.encodeDocuments(text, 1)[0], documents, 1e-6f);
            assertFalse(Arrays.equals(queries, documents), "the two prefixes give different embeddings");
        }
    }

    @Test
    void dimensionAndNameComeFromTheModel() {
        QuaterionEmbeddingModel adapter = QuaterionEmbeddingModel.of(model);
        assertEquals(48, adapter.dimension());
        assertEquals("quaterion(text=" + model.encoders().get("text").typeName() + ", head="
                + model.head().typeName() + ")", adapter.modelName());
        assertEquals("handbook-v1", QuaterionEmbeddingModel.builder(model).modelName("handbook-v1").build()
                .modelName());
        assertTrue(adapter.toString().contains("dimension 48"), adapter.toString());
    }

    @Test
    void refusesBadInputsWithMessages() {
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> QuaterionEmbeddingModel.builder(model).batchSize(0));
        assertTrue(batch.getMessage().contains("batchSize must be at least 1, got 0"), batch.getMessage());
        QuaterionEmbeddingModel adapter = QuaterionEmbeddingModel.of(model);
        List<TextSegment> withNull = new ArrayList<>();
        withNull.add(TextSegment.from("fine"));
        withNull.add(null);
        IllegalArgumentException nullText = assertThrows(IllegalArgumentException.class,
                () -> adapter.embedAll(withNull));
        assertTrue(nullText.getMessage().contains("text segment 1 of 2 is null"), nullText.getMessage());
        IllegalArgumentException nullList = assertThrows(IllegalArgumentException.class,
                () -> adapter.embedAll(null));
        assertTrue(nullList.getMessage().contains("textSegments is null"), nullList.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuaterionEmbeddingModel.builder(model).modelName(" "));
        assertThrows(NullPointerException.class, () -> QuaterionEmbeddingModel.of(null));
    }
}
