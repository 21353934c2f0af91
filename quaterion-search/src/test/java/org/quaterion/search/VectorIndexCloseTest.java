package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
                Path log = tmp.resolve("jvm-" + i + ".log");
                runs.add(pool.submit(() -> runChild(dir, log)));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < JVMS; i++) {
                String outcome = runs.get(i).get();
                if (outcome != null) {
                    failures.add("JVM " + i + ": " + outcome);
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " of " + JVMS + " JVMs did not end normally:\n"
                    + String.join("\n", failures));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@link CloseUnderSearchMain} in a new JVM; null when it ended normally, else what happened. */
    private static String runChild(Path dir, Path log) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", classPath, CloseUnderSearchMain.class.getName(), dir.toString(), String.valueOf(DIMENSION))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a guard against a hung child, not a timing check: a normal run takes a few seconds
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return "did not end within 120 s (a close that never returns?); output:\n" + tail(log);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || !out.contains("RESULT ok")) {
            return "exit status " + p.exitValue() + "; output:\n" + tail(log);
        }
        return null;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
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
