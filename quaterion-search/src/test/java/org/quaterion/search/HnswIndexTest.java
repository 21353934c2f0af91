package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;

/** The Lucene HNSW index: recall against the exact search, persistence, replacement and bad input. */
class HnswIndexTest {

    @TempDir
    Path tmp;

    private static float[][] clustered(int n, int d, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[][] centres = new float[20][d];
        for (float[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = centres[i % 20][j] + 0.5f * (float) random.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void recallAgainstExactSearchAndDistancesAgree() throws Exception {
        float[][] gallery = clustered(3000, 16, 1);
        float[][] queries = clustered(200, 16, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            int built = 0;
            for (Distance distance : new Distance[] {Distance.euclidean(), Distance.cosine(), Distance.dotProduct(),
                Distance.euclidean().normalized(), Distance.dotProduct().normalized()}) {
                KnnResult exact = new ExactKnn(distance).search(m.create(queries), m.create(gallery), 10, null);
                Path dir = tmp.resolve("index-" + built++);
                try (HnswIndex index = HnswIndex.build(dir, gallery, distance, HnswIndex.Config.defaults())) {
                    assertEquals(3000, index.size());
                    KnnResult approx = index.search(queries, 10);
                    double recall = HnswIndex.recall(approx, exact, 10);
                    System.out.printf("HNSW recall@10 (%s, 3000 x 16): %.4f%n", distance, recall);
                    assertTrue(recall >= 0.9, distance + " recall@10 = " + recall);
                    for (int q = 0; q < queries.length; q++) {
                        if (approx.indices()[q][0] == exact.indices()[q][0]) {
                            assertEquals(exact.distances()[q][0], approx.distances()[q][0],
                                    1e-4 * (1 + Math.abs(exact.distances()[q][0])), "same neighbour, same distance");
                        }
                    }
                }
                try (HnswIndex reopened = HnswIndex.open(dir)) {
                    assertEquals(distance, reopened.distance(), "reopens with the distance it was built with");
                }
            }
        }
    }

    @Test
    void persistsReopensAndIsReplacedAtomically() throws Exception {
        float[][] gallery = clustered(500, 8, 3);
        float[][] queries = clustered(20, 8, 4);
        Path dir = tmp.resolve("index");
        KnnResult before;
        try (HnswIndex index = HnswIndex.build(dir, gallery, Distance.cosine(), HnswIndex.Config.defaults())) {
            before = index.search(queries, 5);
        }
        try (HnswIndex reopened = HnswIndex.open(dir)) {
            assertEquals(Distance.cosine(), reopened.distance());
            KnnResult after = reopened.search(queries, 5);
            for (int q = 0; q < queries.length; q++) {
                assertArrayEquals(before.indices()[q], after.indices()[q]);
            }
        }
        try (HnswIndex replaced = HnswIndex.build(dir, clustered(50, 8, 5), Distance.euclidean(),
                new HnswIndex.Config(8, 20))) {
            assertEquals(50, replaced.size());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary or old directory is left behind");
        }
        try (HnswIndex small = HnswIndex.open(dir)) {
            KnnResult r = small.search(queries, 60);
            assertEquals(-1, r.indices()[0][59], "k beyond the index is padded");
        }
    }

    @Test
    void badInput() throws Exception {
        float[][] g = clustered(10, 4, 6);
        assertThrows(IllegalArgumentException.class,
                () -> HnswIndex.build(tmp.resolve("m"), g, Distance.manhattan(), HnswIndex.Config.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> HnswIndex.build(tmp.resolve("e"), new float[0][], Distance.cosine(), HnswIndex.Config.defaults()));
        assertThrows(IllegalArgumentException.class, () -> new HnswIndex.Config(1, 100));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> HnswIndex.open(tmp.resolve("nothing")));
        assertTrue(missing.getMessage().contains("HnswIndex.build"), missing.getMessage());
        Files.createDirectories(tmp.resolve("empty"));
        assertThrows(IllegalArgumentException.class, () -> HnswIndex.open(tmp.resolve("empty")));
        try (HnswIndex index = HnswIndex.build(tmp.resolve("ok"), g, Distance.cosine(), HnswIndex.Config.defaults())) {
            assertThrows(IllegalArgumentException.class, () -> index.search(g, 0));
        }
    }
}
