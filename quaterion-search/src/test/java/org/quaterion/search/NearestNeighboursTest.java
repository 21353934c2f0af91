package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

/** The search engines behind VectorIndex and hard-negative mining: one choice of engine, the same answers. */
class NearestNeighboursTest {

    private static final float[][] GALLERY = {{0, 0}, {1, 0}, {0, 2}, {5, 5}, {-3, 1}};
    private static final float[][] QUERIES = {{0.1f, 0}, {4, 4}};

    @Test
    void theConfigChoosesTheEngineBySizeAndBothFindTheSameNeighbours() throws IOException {
        VectorIndex.Config config = VectorIndex.Config.defaults().withDistance(Distance.euclidean());
        try (NDManager m = NDManager.newBaseManager();
                NearestNeighbours exact = NearestNeighbours.build(m.create(GALLERY), config.withHnswThreshold(5));
                NearestNeighbours hnsw = NearestNeighbours.build(m.create(GALLERY), config.withHnswThreshold(4))) {
            assertEquals("exact", exact.engine());
            assertEquals("hnsw", hnsw.engine());
            assertEquals(5, hnsw.size());
            assertEquals(Distance.euclidean(), hnsw.distance());
            for (NearestNeighbours engine : List.of(exact, hnsw)) {
                KnnResult fromRows = engine.search(QUERIES, 3);
                KnnResult fromArray = engine.search(m.create(QUERIES), 3);
                assertArrayEquals(new long[] {0, 1, 2}, fromRows.indices()[0], engine.engine());
                assertArrayEquals(new long[] {3, 2, 1}, fromRows.indices()[1], engine.engine());
                assertEquals(0.1, fromRows.distances()[0][0], 1e-5, engine.engine());
                assertArrayEquals(fromRows.indices(), fromArray.indices(), engine.engine());
            }
        }
    }

    @Test
    void theTemporaryHnswIndexIsRemovedOnClose() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = temporaryIndexes(temp);
        try (NDManager m = NDManager.newBaseManager()) {
            NearestNeighbours engine = NearestNeighbours.build(m.create(GALLERY),
                    VectorIndex.Config.defaults().withDistance(Distance.euclidean()).withHnswThreshold(0));
            List<Path> during = temporaryIndexes(temp);
            during.removeAll(before);
            assertEquals(1, during.size(), "one temporary index while open: " + during);
            engine.close();
            assertTrue(Files.notExists(during.get(0)), during.get(0) + " is removed on close");
        }
    }

    @Test
    void theExactEngineRefusesANonFiniteGallery() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray bad = m.create(new float[][] {{0, Float.NaN}});
            assertThrows(IllegalArgumentException.class, () -> NearestNeighbours.exact(bad, Distance.cosine()));
        }
    }

    @Test
    void aGalleryOfRandomRowsGetsTheSameTopHitFromBothEngines() throws IOException {
        Random random = new Random(3);
        float[][] gallery = new float[300][8];
        for (float[] row : gallery) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        VectorIndex.Config config = VectorIndex.Config.defaults().withCandidates(300);
        try (NDManager m = NDManager.newBaseManager();
                NearestNeighbours exact = NearestNeighbours.exact(m.create(gallery), config.distance());
                NearestNeighbours hnsw = NearestNeighbours.build(m.create(gallery), config.withHnswThreshold(0))) {
            KnnResult a = exact.search(gallery, 1);
            KnnResult b = hnsw.search(gallery, 1);
            assertEquals(HnswIndex.recall(b, a, 1), 1.0, 0.02, "300 candidates over 300 rows find the exact hit");
        }
    }

    private static List<Path> temporaryIndexes(Path temp) throws IOException {
        try (Stream<Path> list = Files.list(temp)) {
            return list.filter(p -> p.getFileName().toString().startsWith("quaterion-neighbours-"))
                    .collect(java.util.stream.Collectors.toList());
        }
    }
}
