package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;

class LiveVectorIndexTest {

    private static final VectorIndex.Config CONFIG = VectorIndex.Config.defaults().withDistance(Distance.euclidean());

    private static List<String> ids(List<VectorIndex.Hit> hits) {
        return hits.stream().map(VectorIndex.Hit::id).toList();
    }

    @Test
    void addSearchRemoveAndUpsert() throws IOException {
        try (LiveVectorIndex index = LiveVectorIndex.create(2, CONFIG)) {
            index.add("a", new float[] {0, 0}, Payload.json("{\"colour\": \"red\"}"));
            index.addAll(List.of(new LiveVectorIndex.Entry("b", new float[] {1, 0}, null),
                    new LiveVectorIndex.Entry("c", new float[] {3, 0}, Payload.json("{\"colour\": \"blue\"}"))));
            assertEquals(3, index.size());
            List<VectorIndex.Hit> hits = index.search(new float[] {0.9f, 0}, 2);
            assertEquals(List.of("b", "a"), ids(hits));
            assertEquals(0.1, hits.get(0).distance(), 1e-6);
            assertEquals(Payload.json("{\"colour\": \"red\"}"), hits.get(1).payload());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> index.add("b", new float[] {5, 5}, null));
            assertTrue(e.getMessage().contains("already in the index"), e.getMessage());
            index.upsert("b", new float[] {5, 5}, Payload.json("1"));
            assertEquals(3, index.size());
            assertEquals(List.of("a", "c"), ids(index.search(new float[] {0.9f, 0}, 2)));
            assertEquals(Payload.json("1"), index.payload("b").orElseThrow());

            assertTrue(index.remove("a"));
            assertFalse(index.remove("a"));
            assertFalse(index.contains("a"));
            assertEquals(List.of("c", "b"), ids(index.search(new float[] {0, 0}, 5)));
            List<VectorIndex.Hit> blue = index.search(new float[] {0, 0}, 5,
                    h -> h.payload() != null && h.payload().json().contains("blue"));
            assertEquals(List.of("c"), ids(blue));
        }
    }

    @Test
    void badItemsAreRefusedWholeBatches() throws IOException {
        try (LiveVectorIndex index = LiveVectorIndex.create(2, CONFIG)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> index.add("a", new float[] {1, 2, 3}, null));
            assertTrue(e.getMessage().contains("3 dimensions, the index 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> index.addAll(List.of(
                    new LiveVectorIndex.Entry("x", new float[] {1, 2}, null),
                    new LiveVectorIndex.Entry("x", new float[] {2, 2}, null))));
            assertTrue(e.getMessage().contains("duplicate id 'x'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> index.add("n", new float[] {Float.NaN, 0}, null));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertEquals(0, index.size());
            e = assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {1}, 1));
            assertTrue(e.getMessage().contains("1 dimensions"), e.getMessage());
            IllegalStateException empty = assertThrows(IllegalStateException.class,
                    () -> index.save(Files.createTempDirectory("live-empty")));
            assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        }
    }

    @Test
    void saveReopenAndContinueMatchesAFreshBuild(@TempDir Path tmp) throws IOException {
        Random random = new Random(7);
        float[][] vectors = new float[60][8];
        for (float[] row : vectors) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        Path dir = tmp.resolve("store");
        try (LiveVectorIndex index = LiveVectorIndex.create(8, CONFIG)) {
            for (int i = 0; i < 40; i++) {
                index.add("v" + i, vectors[i], Payload.json("{\"i\": " + i + "}"));
            }
            index.save(dir);
            for (int i = 40; i < 60; i++) {
                index.add("v" + i, vectors[i], null);
            }
            index.remove("v3");
            index.upsert("v5", vectors[59], Payload.json("{\"i\": 5}"));
            index.remove("v59");
            assertEquals(58, index.size());
            List<String> before = ids(index.search(vectors[0], 10));
            index.save(dir);
            assertEquals(before, ids(index.search(vectors[0], 10)));
        }
        List<String> expectedIds = new ArrayList<>();
        List<float[]> expectedVectors = new ArrayList<>();
        for (int i = 0; i < 59; i++) {
            if (i != 3 && i != 5) {
                expectedIds.add("v" + i);
                expectedVectors.add(vectors[i]);
            }
        }
        expectedIds.add("v5"); // an upserted item moves to the end, as a new one
        expectedVectors.add(vectors[59]);
        try (LiveVectorIndex reopened = LiveVectorIndex.open(dir);
                VectorIndex fresh = VectorIndex.build(tmp.resolve("fresh"), expectedIds,
                        expectedVectors.toArray(new float[0][]), CONFIG)) {
            assertEquals(58, reopened.size());
            assertEquals(Distance.euclidean(), VectorIndex.open(dir).distance());
            for (int q = 0; q < 5; q++) {
                assertEquals(ids(fresh.search(vectors[q * 7], 10)), ids(reopened.search(vectors[q * 7], 10)));
            }
            assertEquals(Payload.json("{\"i\": 5}"), reopened.payload("v5").orElseThrow());
            assertTrue(reopened.payload("v45").isEmpty());
            assertArrayEquals(vectors[59], reopened.vector("v5").orElseThrow());
            assertFalse(reopened.contains("v3"));
            assertEquals(expectedIds, reopened.ids());
        }
    }

    @Test
    void removedItemsOfAnHnswIndexAreNotReturned(@TempDir Path tmp) throws IOException {
        try (LiveVectorIndex index = LiveVectorIndex.create(2, CONFIG.withHnswThreshold(0))) {
            for (int i = 0; i < 30; i++) {
                index.add("p" + i, new float[] {i, 0}, null);
            }
            index.save(tmp.resolve("hnsw"));
            assertEquals("hnsw", VectorIndex.open(tmp.resolve("hnsw")).engine());
            assertEquals(List.of("p10", "p11", "p9"), ids(index.search(new float[] {10.1f, 0}, 3)));
            index.remove("p10");
            index.add("q", new float[] {10.2f, 0}, null);
            assertEquals(List.of("q", "p9", "p11"), ids(index.search(new float[] {9.7f, 0}, 3)));
        }
    }

    @Test
    void openWithAnotherDistanceIsRefused(@TempDir Path tmp) throws IOException {
        try (LiveVectorIndex index = LiveVectorIndex.create(2, CONFIG)) {
            index.add("a", new float[] {1, 0}, null);
            index.save(tmp.resolve("i"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LiveVectorIndex.open(tmp.resolve("i"), VectorIndex.Config.defaults()));
        assertTrue(e.getMessage().contains("open it with its own distance"), e.getMessage());
    }

    @Test
    void aClosedIndexRefusesWork() throws IOException {
        LiveVectorIndex index = LiveVectorIndex.create(2, CONFIG);
        index.add("a", new float[] {1, 0}, null);
        index.close();
        index.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.search(new float[] {1, 0}, 1));
        assertEquals("LiveVectorIndex is closed", e.getMessage());
    }
}
