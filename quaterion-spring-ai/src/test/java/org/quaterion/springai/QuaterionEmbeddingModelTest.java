package org.quaterion.springai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TextCountsEncoder;
import org.quaterion.models.heads.NormalizeHead;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;

class QuaterionEmbeddingModelTest {

    /** An 8-dimensional text model with e5-style prompts, so each role's vectors differ. */
    private static final SimilarityModel<String> MODEL = SimilarityModel.<String>builder()
            .setEncoder(TextCountsEncoder.create()).setHead(new NormalizeHead(TextCountsEncoder.SIZE))
            .optPrompts(Prompts.of("query: ", "passage: ")).build();

    private static final List<String> TEXTS = List.of("red apples", "a green pear", "bananas", "cherry", "figs");

    @AfterAll
    static void close() {
        MODEL.close();
    }

    @Test
    void callEqualsEncodeInBatchesWithIndexedResultsAndTheModelName() {
        QuaterionEmbeddingModel embeddings = new QuaterionEmbeddingModel(MODEL, "fruit-v1", 2);
        EmbeddingResponse response = embeddings.call(new EmbeddingRequest(TEXTS,
                EmbeddingOptions.builder().model("fruit-v1").dimensions(TextCountsEncoder.SIZE).build()));
        float[][] expected = MODEL.encode(TEXTS, 64);
        assertEquals(TEXTS.size(), response.getResults().size());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(expected[i], response.getResults().get(i).getOutput(), 0f);
            assertEquals(i, response.getResults().get(i).getIndex());
        }
        assertEquals("fruit-v1", response.getMetadata().getModel());
        assertArrayEquals(expected[2], embeddings.embed("bananas"), 0f);
        assertArrayEquals(expected[4], embeddings.embed(TEXTS).get(4), 0f);
        assertEquals(List.of(), embeddings.call(new EmbeddingRequest(List.of(), null)).getResults());
    }

    @Test
    void documentsAndQueriesTakeTheirPrompts() {
        QuaterionEmbeddingModel embeddings = new QuaterionEmbeddingModel(MODEL);
        float[][] documents = MODEL.encodeDocuments(TEXTS, 64);
        assertArrayEquals(documents[0], embeddings.embed(new Document("red apples")), 0f);
        List<float[]> batched = embeddings.embed(TEXTS.stream().map(Document::new).toList(),
                EmbeddingOptions.builder().build(), new TokenCountBatchingStrategy());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(documents[i], batched.get(i), 0f);
        }
        assertArrayEquals(MODEL.encodeQueries(List.of("cherry"), 1)[0], embeddings.embedQuery("cherry"), 0f);
        assertFalse(java.util.Arrays.equals(documents[3], embeddings.embedQuery("cherry")),
                "the prompts make query and document vectors differ");
    }

    @Test
    void dimensionsComeFromTheServableAndUnhonourableOptionsAreRefused() {
        QuaterionEmbeddingModel embeddings = new QuaterionEmbeddingModel(MODEL);
        assertEquals(TextCountsEncoder.SIZE, embeddings.dimensions());
        IllegalArgumentException dimensions = assertThrows(IllegalArgumentException.class,
                () -> embeddings.call(new EmbeddingRequest(TEXTS, EmbeddingOptions.builder().dimensions(4).build())));
        assertTrue(dimensions.getMessage().contains("4 dimensions but this model outputs 8"), dimensions.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> embeddings.call(new EmbeddingRequest(TEXTS, EmbeddingOptions.builder().model("gpt").build())));
        assertTrue(name.getMessage().contains("'gpt'"), name.getMessage());
        EmbeddingOptions foreign = new EmbeddingOptions() {
            @Override
            public String getModel() {
                return null;
            }

            @Override
            public Integer getDimensions() {
                return null;
            }
        };
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> embeddings.call(new EmbeddingRequest(TEXTS, foreign)));
        assertTrue(type.getMessage().contains("provider settings"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new QuaterionEmbeddingModel(MODEL, "m", 0));
    }
}
