package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFiles;

class QuantizedVectorIndexTest {

    private static final int N = 3000;
    private static final float[][] ALL = QuantizedNeighboursTest.clusters(N + 50, 48, 11);
    private static final float[][] GALLERY = Arrays.copyOf(ALL, N);
    private static final float[][] QUERIES = Arrays.copyOfRange(ALL, N, N + 50);

    private static List<String> ids() {
        return IntStream.range(0, N).mapToObj(i -> "doc-" + i).toList();
    }

    private static VectorIndex.Config config(Distance distance, Quantization q, int rescore) {
        return VectorIndex.Config.defaults().withDistance(distance).withQuantization(q, rescore);
    }

    /** Recall@10 of the quantised index against the float32 one; a shared hit has the float32 hit's distance. */
    private static double recallAgainstFloat32(VectorIndex quantized, VectorIndex exact) {
        List<List<VectorIndex.Hit>> found = quantized.search(QUERIES, 10);
        List<List<VectorIndex.Hit>> truth = exact.search(QUERIES, 10);
        int shared = 0;
        for (int q = 0; q < QUERIES.length; q++) {
            for (VectorIndex.Hit hit : found.get(q)) {
                for (VectorIndex.Hit t : truth.get(q)) {
                    if (t.id().equals(hit.id())) {
                        assertEquals(t.distance(), hit.distance(), 1e-6 * Math.max(1, Math.abs(t.distance())),
                                "re-scored distance of " + hit.id() + " (float32 rounding)");
                        shared++;
                    }
                }
            }
        }
        return shared / (10.0 * QUERIES.length);
    }

    @Test
    void int8IndexFindsTheFloat32TopTenWithItsDistancesAndHoldsOneBytePerDimension(@TempDir Path tmp)
            throws Exception {
        try (VectorIndex exact = VectorIndex.build(tmp.resolve("f32"), ids(), GALLERY, VectorIndex.Config.defaults());
                VectorIndex int8 = VectorIndex.build(tmp.resolve("int8"), ids(), GALLERY,
                        config(Distance.cosine(), Quantization.INT8, 4))) {
            assertEquals("int8", int8.engine());
            assertEquals(Quantization.INT8, int8.quantization());
            assertEquals(4, int8.rescore());
            assertEquals((long) N * 48, int8.memoryBytes());
            assertEquals((long) N * 48 * 4, exact.memoryBytes());
            double recall = recallAgainstFloat32(int8, exact);
            assertTrue(recall >= 0.99, "int8 recall@10 " + recall);
        }
    }

    @Test
    void binaryIndexFindsTheFloat32TopTenAndHoldsOneBitPerDimension(@TempDir Path tmp) throws Exception {
        try (VectorIndex exact = VectorIndex.build(tmp.resolve("f32"), ids(), GALLERY,
                VectorIndex.Config.defaults().withDistance(Distance.dotProduct()));
                VectorIndex binary = VectorIndex.build(tmp.resolve("bin"), ids(), GALLERY,
                        config(Distance.dotProduct(), Quantization.BINARY, 10))) {
            assertEquals("binary", binary.engine());
            assertEquals((long) N * 6, binary.memoryBytes());
            double recall = recallAgainstFloat32(binary, exact);
            assertTrue(recall >= 0.98, "binary recall@10 " + recall);
        }
    }

    @Test
    void euclideanInt8IsScannedWhateverTheHnswThreshold(@TempDir Path tmp) throws Exception {
        try (VectorIndex exact = VectorIndex.build(tmp.resolve("f32"), ids(), GALLERY,
                VectorIndex.Config.defaults().withDistance(Distance.euclidean()));
                VectorIndex int8 = VectorIndex.build(tmp.resolve("int8"), ids(), GALLERY,
                        config(Distance.euclidean(), Quantization.INT8, 4).withHnswThreshold(0))) {
            assertEquals("int8", int8.engine());
            assertEquals((long) N * 49, int8.memoryBytes(), "48 dimensions and the half squared norm");
            double recall = recallAgainstFloat32(int8, exact);
            assertTrue(recall >= 0.99, "euclidean int8 recall@10 " + recall);
        }
    }

    @Test
    void reopenedIndexAnswersIdenticallyAndKeepsPayloads(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("index");
        List<Payload> payloads = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            payloads.add(i % 2 == 0 ? Payload.json("{\"n\":" + i + "}") : null);
        }
        for (Quantization q : new Quantization[] {Quantization.INT8, Quantization.BINARY}) {
            List<List<VectorIndex.Hit>> first;
            try (VectorIndex built = VectorIndex.build(dir, ids(), GALLERY, payloads,
                    config(Distance.cosine(), q, 3))) {
                first = built.search(QUERIES, 10);
            }
            JsonObject manifest = JsonFiles.read(dir.resolve(VectorIndexFiles.MANIFEST));
            assertEquals(4, manifest.get("format").getAsInt());
            assertEquals(q.label(), manifest.getAsJsonObject("quantization").get("kind").getAsString());
            try (VectorIndex reopened = VectorIndex.open(dir)) {
                assertEquals(first, reopened.search(QUERIES, 10));
                assertEquals(q, reopened.quantization());
                VectorIndex.Hit top = first.get(0).get(0);
                int row = Integer.parseInt(top.id().substring(4));
                assertEquals(row % 2 == 0 ? Payload.json("{\"n\":" + row + "}") : null, top.payload());
            }
        }
    }

    @Test
    void float32IndexesStayFormat3(@TempDir Path tmp) throws Exception {
        VectorIndex.build(tmp, ids(), GALLERY, VectorIndex.Config.defaults()).close();
        JsonObject manifest = JsonFiles.read(tmp.resolve(VectorIndexFiles.MANIFEST));
        assertEquals(3, manifest.get("format").getAsInt());
        assertTrue(!manifest.has("quantization"));
    }

    @Test
    void aDamagedCalibrationIsACorruptIndex(@TempDir Path tmp) throws Exception {
        VectorIndex.build(tmp, ids(), GALLERY, config(Distance.cosine(), Quantization.INT8, 2)).close();
        Path file = tmp.resolve(VectorIndexFiles.MANIFEST);
        JsonObject manifest = JsonFiles.read(file);
        JsonArray scale = manifest.getAsJsonObject("quantization").getAsJsonArray("scale");
        scale.remove(0);
        JsonFiles.write(file, manifest);
        CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(tmp));
        assertTrue(e.getMessage().contains("47 calibration scale values for 48 dimensions"), e.getMessage());
        scale.add(-1f);
        JsonFiles.write(file, manifest);
        e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(tmp));
        assertTrue(e.getMessage().contains("positive scale"), e.getMessage());
    }

    @Test
    void meaninglessSettingsAreRefusedWithTheFix() {
        VectorIndex.Config defaults = VectorIndex.Config.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> defaults.withQuantization(Quantization.INT8, 0));
        assertTrue(e.getMessage().contains("rescore must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> defaults.withQuantization(Quantization.NONE, 4));
        assertTrue(e.getMessage().contains("leave rescore at 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> defaults.withDistance(Distance.euclidean()).withQuantization(Quantization.BINARY, 10));
        assertTrue(e.getMessage().contains("use INT8, or normalise the vectors and use cosine"), e.getMessage());
        VectorIndex.Config binary = defaults.withQuantization(Quantization.BINARY, 10);
        e = assertThrows(IllegalArgumentException.class, () -> binary.withDistance(Distance.euclidean()));
        assertTrue(e.getMessage().contains("cannot rank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> defaults.withDistance(Distance.manhattan()).withQuantization(Quantization.INT8, 4));
        assertTrue(e.getMessage().contains("rank by inner products"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> defaults.withQuantization(null, 1));
        assertTrue(e.getMessage().contains("Quantization.NONE"), e.getMessage());
    }

    @Test
    void aLiveIndexOpenedFromAQuantisedIndexSavesItQuantised(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("index");
        VectorIndex.build(dir, ids(), GALLERY, config(Distance.cosine(), Quantization.BINARY, 5)).close();
        try (LiveVectorIndex live = LiveVectorIndex.open(dir)) {
            live.add("extra", QUERIES[0], null);
            live.save(tmp.resolve("saved"));
        }
        try (VectorIndex saved = VectorIndex.open(tmp.resolve("saved"))) {
            assertEquals(Quantization.BINARY, saved.quantization());
            assertEquals(5, saved.rescore());
            assertEquals("extra", saved.search(QUERIES[0], 1).get(0).id());
        }
    }
}
