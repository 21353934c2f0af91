package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;

class QuantizedNeighboursTest {

    static final int N = 4000;
    static final int D = 64;

    /** Gaussian clusters: 40 centres N(0, 1), points centre + N(0, 0.8²); the last 100 rows are queries. */
    static float[][] clusters(int n, int d, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[40][d];
        for (float[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < d; j++) {
                out[i][j] = c[j] + (float) (0.8 * random.nextGaussian());
            }
        }
        return out;
    }

    /** Writes {@code vectors.f32} into a directory, created if needed. */
    private static Path write(Path dir, float[][] rows) throws IOException {
        Path file = dir.resolve("vectors.f32");
        ByteBuffer b = ByteBuffer.allocate(4 * rows.length * rows[0].length).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            for (float v : r) {
                b.putFloat(v);
            }
        }
        Files.createDirectories(dir);
        Files.write(file, b.array());
        return file;
    }

    private static QuantizedNeighbours engine(Path dir, float[][] gallery, Distance distance, Quantization kind,
            int rescore) throws IOException {
        FloatRows rows = FloatRows.map(write(dir, gallery), gallery.length, gallery[0].length);
        NDManager manager = NDManager.newBaseManager();
        Calibration calibration = Calibration.fit(kind, distance, gallery);
        QuantizedCodes.Builder builder = new QuantizedCodes.Builder(calibration, distance, gallery[0].length, manager);
        int chunk = 1500; // several chunks, the last one short
        for (int from = 0; from < gallery.length; from += chunk) {
            int to = Math.min(gallery.length, from + chunk);
            builder.add(rows.range(from, to), to - from);
        }
        return new QuantizedNeighbours(distance, builder.build(), rows, rescore, manager);
    }

    private static double exactDistance(Distance distance, float[] q, float[] g) {
        double dot = 0;
        double nq = 0;
        double ng = 0;
        double sq = 0;
        for (int j = 0; j < q.length; j++) {
            dot += (double) q[j] * g[j];
            nq += (double) q[j] * q[j];
            ng += (double) g[j] * g[j];
            sq += ((double) q[j] - g[j]) * ((double) q[j] - g[j]);
        }
        return switch (distance.kind()) {
            case COSINE -> 1 - dot / Math.sqrt(nq * ng);
            case DOT_PRODUCT -> -dot;
            case EUCLIDEAN -> Math.sqrt(sq);
            default -> throw new IllegalArgumentException(distance.toString());
        };
    }

    /** Recall@10 against the float32 exact engine, and every returned distance is the exact one of its row. */
    private static double recall(Path dir, Distance distance, Quantization kind, int rescore) throws IOException {
        float[][] all = clusters(N + 100, D, 7);
        float[][] gallery = java.util.Arrays.copyOf(all, N);
        float[][] queries = java.util.Arrays.copyOfRange(all, N, N + 100);
        try (NDManager m = NDManager.newBaseManager();
                NearestNeighbours exact = NearestNeighbours.exact(m.create(gallery), distance);
                QuantizedNeighbours quantized = engine(dir, gallery, distance, kind, rescore)) {
            KnnResult truth = exact.search(queries, 10);
            KnnResult found = quantized.search(queries, 10);
            for (int q = 0; q < queries.length; q++) {
                for (int r = 0; r < 10; r++) {
                    int row = (int) found.indices()[q][r];
                    double expected = exactDistance(distance, queries[q], gallery[row]);
                    assertEquals(expected, found.distances()[q][r], 1e-4 * Math.max(1, Math.abs(expected)),
                            "query " + q + " rank " + r);
                    if (r > 0) {
                        assertTrue(found.distances()[q][r] >= found.distances()[q][r - 1], "nearest first");
                    }
                }
            }
            return HnswIndex.recall(found, truth, 10);
        }
    }

    @Test
    void int8WithRescoringFindsTheExactTopTen(@TempDir Path dir) throws IOException {
        double cosine = recall(dir, Distance.cosine(), Quantization.INT8, 4);
        assertTrue(cosine >= 0.99, "cosine recall@10 " + cosine);
    }

    @Test
    void int8RanksEuclideanDistances(@TempDir Path dir) throws IOException {
        double euclidean = recall(dir, Distance.euclidean(), Quantization.INT8, 4);
        assertTrue(euclidean >= 0.99, "euclidean recall@10 " + euclidean);
    }

    @Test
    void binaryWithRescoringFindsMostOfTheExactTopTen(@TempDir Path dir) throws IOException {
        double cosine = recall(dir, Distance.cosine(), Quantization.BINARY, 10);
        assertTrue(cosine >= 0.98, "cosine recall@10 " + cosine);
        double dot = recall(dir.resolve("dot"), Distance.dotProduct(), Quantization.BINARY, 10);
        assertTrue(dot >= 0.98, "dot recall@10 " + dot);
    }

    @Test
    void binaryScoresAFewQueriesAsManyDo(@TempDir Path dir) throws IOException {
        // a few queries look up per-byte partial scores, many share an unpacked chunk: the same candidates
        float[][] gallery = clusters(2000, 36, 8); // 36 dimensions: the last byte is half padding
        float[][] queries = clusters(QuantizedCodes.GATHER_QUERIES + 20, 36, 9);
        try (QuantizedNeighbours binary = engine(dir, gallery, Distance.cosine(), Quantization.BINARY, 3)) {
            KnnResult together = binary.search(queries, 10);
            for (int q = 0; q < queries.length; q++) {
                KnnResult alone = binary.search(new float[][] {queries[q]}, 10);
                assertArrayEquals(together.indices()[q], alone.indices()[0], "query " + q);
                assertArrayEquals(together.distances()[q], alone.distances()[0], 1e-6);
            }
        }
    }

    @Test
    void rescoringEverythingIsExact(@TempDir Path dir) throws IOException {
        // rescore × k ≥ n: every row is a candidate, so the hits are the exact top-k
        float[][] gallery = clusters(300, 16, 3);
        float[][] queries = clusters(5, 16, 4);
        try (NDManager m = NDManager.newBaseManager();
                NearestNeighbours exact = NearestNeighbours.exact(m.create(gallery), Distance.cosine());
                QuantizedNeighbours quantized = engine(dir, gallery, Distance.cosine(), Quantization.BINARY, 30)) {
            KnnResult truth = exact.search(queries, 10);
            KnnResult found = quantized.search(queries, 10);
            for (int q = 0; q < queries.length; q++) {
                assertArrayEquals(truth.indices()[q], found.indices()[q]);
            }
        }
    }

    @Test
    void codesTakeOneByteOrOneBitPerDimension(@TempDir Path dir) throws IOException {
        float[][] gallery = clusters(100, 20, 5);
        try (QuantizedNeighbours int8 = engine(dir, gallery, Distance.cosine(), Quantization.INT8, 2)) {
            assertEquals(100L * 20, int8.memoryBytes());
            assertEquals("int8", int8.engine());
        }
        try (QuantizedNeighbours binary = engine(dir.resolve("b"), gallery, Distance.cosine(), Quantization.BINARY,
                2)) {
            assertEquals(100L * 3, binary.memoryBytes());
        }
    }
}
