package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.heads.EmptyHead;

class VectorIndexTest {

    private static float[][] vectors(int n, int d, long seed) {
        Random random = new Random(seed);
        float[][] v = new float[n][d];
        for (float[] row : v) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return v;
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "item-" + i).toList();
    }

    /** Cosine distance in plain Java, for the expected ranking. */
    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }

    private static List<String> bruteForce(float[][] gallery, float[] query, int k) {
        return IntStream.range(0, gallery.length).boxed()
                .sorted(Comparator.comparingDouble(i -> cosine(gallery[i], query))).limit(k)
                .map(i -> "item-" + i).toList();
    }

    private static List<String> idsOf(List<VectorIndex.Hit> hits) {
        return hits.stream().map(VectorIndex.Hit::id).toList();
    }

    @Test
    void exactSearchRanksAsBruteForceAndReopensInAnotherInstance(@TempDir Path tmp) throws Exception {
        float[][] gallery = vectors(300, 16, 1);
        float[][] queries = vectors(5, 16, 2);
        Path dir = tmp.resolve("index");
        try (VectorIndex index = VectorIndex.build(dir, ids(300), gallery, VectorIndex.Config.defaults())) {
            assertEquals("exact", index.engine());
            for (float[] q : queries) {
                List<VectorIndex.Hit> hits = index.search(q, 5);
                assertEquals(bruteForce(gallery, q, 5), idsOf(hits));
                assertEquals(cosine(gallery[Integer.parseInt(hits.get(0).id().substring(5))], q),
                        hits.get(0).distance(), 1e-5);
            }
        }
        try (VectorIndex reopened = VectorIndex.open(dir)) {
            assertEquals(300, reopened.size());
            assertEquals(bruteForce(gallery, queries[3], 7), idsOf(reopened.search(queries[3], 7)));
        }
    }

    @Test
    void aFilterKeepsOnlyAllowedIdsAndWidensUntilKPass(@TempDir Path tmp) throws Exception {
        float[][] gallery = vectors(200, 8, 3);
        float[] query = vectors(1, 8, 4)[0];
        try (VectorIndex index = VectorIndex.build(tmp.resolve("i"), ids(200), gallery,
                VectorIndex.Config.defaults())) {
            // only ids ending in 7: 20 of 200, most of them far down the ranking
            List<VectorIndex.Hit> hits = index.search(query, 10, id -> id.endsWith("7"));
            List<String> expected = bruteForce(gallery, query, 200).stream().filter(id -> id.endsWith("7")).limit(10)
                    .toList();
            assertEquals(expected, idsOf(hits));
            assertTrue(index.search(query, 5, id -> false).isEmpty());
        }
    }

    @Test
    void hnswAboveTheThresholdFindsTheExactNeighboursOfASmallSetAndReopens(@TempDir Path tmp) throws Exception {
        float[][] gallery = vectors(400, 16, 5);
        float[][] queries = vectors(20, 16, 6);
        Path dir = tmp.resolve("hnsw");
        int agree = 0;
        try (VectorIndex index = VectorIndex.build(dir, ids(400), gallery,
                VectorIndex.Config.defaults().withHnswThreshold(100).withCandidates(400))) {
            assertEquals("hnsw", index.engine());
            for (float[] q : queries) {
                agree += idsOf(index.search(q, 1)).equals(bruteForce(gallery, q, 1)) ? 1 : 0;
            }
        }
        assertTrue(agree >= 19, "top-1 equal to exact for " + agree + " of 20 queries");
        try (VectorIndex reopened = VectorIndex.open(dir)) {
            assertEquals("hnsw", reopened.engine());
            assertEquals(400, reopened.size());
        }
    }

    @Test
    void concurrentQueriesEqualSequentialOnes(@TempDir Path tmp) throws Exception {
        float[][] gallery = vectors(500, 32, 7);
        float[][] queries = vectors(64, 32, 8);
        try (VectorIndex index = VectorIndex.build(tmp.resolve("i"), ids(500), gallery,
                VectorIndex.Config.defaults().withDistance(Distance.euclidean()))) {
            List<List<String>> sequential = new ArrayList<>();
            for (float[] q : queries) {
                sequential.add(idsOf(index.search(q, 10)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<String>>> futures = new ArrayList<>();
                for (float[] q : queries) {
                    futures.add(pool.submit(() -> idsOf(index.search(q, 10))));
                }
                for (int i = 0; i < queries.length; i++) {
                    assertEquals(sequential.get(i), futures.get(i).get(), "query " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void builtThroughASimilarityModelItAnswersRecordQueries(@TempDir Path tmp) throws Exception {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 4, x -> x)).setHead(new EmptyHead(4)).build()) {
            Map<String, float[]> catalogue = new LinkedHashMap<>();
            catalogue.put("north", new float[] {0, 1, 0, 0});
            catalogue.put("east", new float[] {1, 0, 0, 0});
            catalogue.put("up", new float[] {0, 0, 1, 0});
            try (VectorIndex index = VectorIndex.build(tmp.resolve("i"), model, catalogue, 2,
                    VectorIndex.Config.defaults())) {
                assertEquals(List.of("east", "north"),
                        idsOf(index.search(model, new float[] {0.9f, 0.2f, 0, 0}, 2)));
            }
        }
    }

    @Test
    void badCataloguesAndForeignDirectoriesAreRefused(@TempDir Path tmp) throws Exception {
        float[][] two = vectors(2, 4, 9);
        VectorIndex.Config config = VectorIndex.Config.defaults();
        assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.build(tmp.resolve("a"), List.of("x", "x"), two, config));
        assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.build(tmp.resolve("b"), List.of("x"), two, config));
        float[][] nan = vectors(2, 4, 9);
        nan[1][2] = Float.NaN;
        assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.build(tmp.resolve("c"), List.of("x", "y"), nan, config));
        Path foreign = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.build(foreign, List.of("x", "y"), two, config));
        assertEquals("keep me", Files.readString(foreign.resolve("notes.txt")));
        try (VectorIndex index = VectorIndex.build(tmp.resolve("d"), List.of("x", "y"), two, config)) {
            assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 1));
            assertThrows(IllegalArgumentException.class, () -> index.search(new float[4], 0));
        }
    }
}
