package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.ForkedJvm;
import org.quaterion.distance.Distance;

class VectorIndexCloseTest {

    private static final int JVMS = 12;
    private static final int AT_ONCE = 2;
    private static final int SIZE = 20_000;
    private static final int DIMENSION = 64;

    @Test
    void closingAnExactIndexUnderFourSearchingThreadsEndsEveryFreshJvmNormally(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("index");
        float[][] gallery = CloseUnderSearchMain.queries(SIZE, DIMENSION, 1);
        List<String> ids = IntStream.range(0, SIZE).mapToObj(i -> "item-" + i).toList();
        VectorIndex.build(dir, ids, gallery, VectorIndex.Config.defaults()).close();
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < JVMS; i++) {
                // each child exits 0 only when every search ended with "VectorIndex is closed"; a crash ends it
                // with another status
                runs.add(pool.submit(() -> ForkedJvm.resultLine(CloseUnderSearchMain.class, tmp, "RESULT ",
                        dir.toString(), String.valueOf(DIMENSION))));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < JVMS; i++) {
                try {
                    assertEquals("RESULT ok", runs.get(i).get());
                } catch (ExecutionException e) {
                    failures.add("JVM " + i + ": " + e.getCause().getMessage());
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " of " + JVMS + " JVMs did not end normally:\n"
                    + String.join("\n", failures));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingAnHnswIndexUnderFourSearchingThreadsEndsEachSearchWithIsClosed(@TempDir Path tmp) throws Exception {
        float[][] gallery = CloseUnderSearchMain.queries(1_000, 16, 5);
        List<String> ids = IntStream.range(0, gallery.length).mapToObj(i -> "id-" + i).toList();
        VectorIndex index = VectorIndex.build(tmp.resolve("hnsw"), ids, gallery,
                VectorIndex.Config.defaults().withHnswThreshold(0));
        assertEquals(List.of(), CloseUnderSearchMain.closeUnderSearch(index, 16));
    }

    @Test
    void theEnginesSayTheyAreClosed(@TempDir Path tmp) throws Exception {
        float[][] gallery = CloseUnderSearchMain.queries(30, 4, 6);
        HnswIndex hnsw = HnswIndex.build(tmp.resolve("h"), gallery, Distance.cosine(), HnswIndex.Config.defaults());
        hnsw.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> hnsw.search(gallery, 1));
        assertEquals("HnswIndex is closed", e.getMessage());
        e = assertThrows(IllegalStateException.class, hnsw::size);
        assertEquals("HnswIndex is closed", e.getMessage());
        hnsw.close();
        try (NDManager manager = NDManager.newBaseManager()) {
            ExactKnn knn = new ExactKnn(Distance.cosine());
            NDArray g = manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            ExactKnn.Prepared prepared = knn.prepare(g);
            assertEquals(1, knn.search(g, prepared, 1, null).k());
            prepared.close();
            e = assertThrows(IllegalStateException.class, () -> knn.search(g, prepared, 1, null));
            assertEquals("ExactKnn.Prepared is closed", e.getMessage());
            prepared.close();
        }
    }

    @Test
    void everyCallAfterCloseSaysTheIndexIsClosed(@TempDir Path tmp) throws Exception {
        float[][] gallery = CloseUnderSearchMain.queries(50, 8, 2);
        List<String> ids = IntStream.range(0, 50).mapToObj(i -> "id-" + i).toList();
        for (VectorIndex.Config config : List.of(VectorIndex.Config.defaults(),
                VectorIndex.Config.defaults().withHnswThreshold(0))) {
            VectorIndex index = VectorIndex.build(tmp.resolve(config.hnswThreshold() + ""), ids, gallery, config);
            assertEquals(3, index.search(gallery[0], 3).size());
            index.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.search(gallery[0], 3));
            assertEquals("VectorIndex is closed", e.getMessage(), index.engine());
            e = assertThrows(IllegalStateException.class, () -> index.search(gallery, 2));
            assertEquals("VectorIndex is closed", e.getMessage(), index.engine());
            e = assertThrows(IllegalStateException.class, () -> index.search(gallery[1], 2, id -> true));
            assertEquals("VectorIndex is closed", e.getMessage(), index.engine());
            index.close(); // a second close does nothing
        }
    }
}
