package org.quaterion.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.quaterion.distance.Distance;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.HnswIndex;
import org.quaterion.search.KnnResult;

/**
 * Leave-one-out retrieval benchmark in the layout of the peer table in docs/benchmarks.md: N embeddings (d = 128, 100
 * balanced classes, Gaussian clusters, float32), k = largest class size − 1, P@1, R-Precision and MAP@R over all
 * queries. Prints median / min milliseconds, the achieved GFLOP/s of the {@code 2·N²·d} distance work and a
 * matMul peak measured in the same JVM. Run with {@code --threads N}, {@code --sizes 10000,50000},
 * {@code --runs R}, {@code --block Q,G}; {@code --lucene N} instead times a Lucene HNSW index of N rows (build, 1,000
 * held-out queries, recall@10 against the exact search).
 */
public final class RetrievalBenchmark {

    private RetrievalBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        int threads = 1;
        int[] sizes = {10000, 50000};
        int runs = 3;
        int dim = 128;
        int classes = 100;
        int qBlock = ExactKnn.DEFAULT_QUERY_BLOCK;
        int gBlock = ExactKnn.DEFAULT_GALLERY_BLOCK;
        int lucene = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads":
                    threads = Integer.parseInt(args[++i]);
                    break;
                case "--sizes":
                    sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                case "--runs":
                    runs = Integer.parseInt(args[++i]);
                    break;
                case "--lucene":
                    lucene = Integer.parseInt(args[++i]);
                    break;
                case "--block":
                    String[] b = args[++i].split(",");
                    qBlock = Integer.parseInt(b[0]);
                    gBlock = Integer.parseInt(b[1]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + ": use --threads N, --sizes A,B, --runs R, --block Q,G, --lucene N");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        PrintStream out = System.out;
        try (NDManager manager = NDManager.newBaseManager()) {
            double peak = matMulPeak(manager);
            out.printf(Locale.ROOT, "# Leave-one-out retrieval, d=%d, %d classes, float32, %d libtorch thread(s), "
                    + "blocks %d x %d%n", dim, classes, threads, qBlock, gBlock);
            out.printf(Locale.ROOT, "matMul peak (1024x1024x1024, float32): %.1f GFLOP/s%n%n", peak);
            if (lucene > 0) {
                lucene(manager, lucene, dim, classes, out);
                return;
            }
            out.println("| distance | N | median ms | min ms | runs | GFLOP/s | % of peak | P@1 | R-Prec | MAP@R |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int n : sizes) {
                float[] data = clusters(n, dim, classes, 42);
                long[] labels = new long[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = i % classes;
                }
                NDArray x = manager.create(data, new Shape(n, dim));
                for (Distance distance : new Distance[] {Distance.euclidean(), Distance.cosine()}) {
                    ExactKnn knn = new ExactKnn(distance, qBlock, gBlock);
                    double[] times = new double[runs];
                    double[] values = null;
                    for (int r = 0; r < runs; r++) {
                        long t0 = System.nanoTime();
                        values = evaluate(knn, x, labels, classes);
                        times[r] = (System.nanoTime() - t0) / 1e6;
                    }
                    double[] sorted = times.clone();
                    Arrays.sort(sorted);
                    double median = sorted[runs / 2];
                    double gflops = 2.0 * n * (double) n * dim / (sorted[0] / 1e3) / 1e9;
                    out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %d | %.1f | %.0f%% | %.4f | %.4f | %.4f |%n",
                            distance.kind().name().toLowerCase(Locale.ROOT), n, median, sorted[0], runs, gflops,
                            100 * gflops / peak, values[0], values[1], values[2]);
                }
                x.close();
            }
        }
    }

    /** Lucene HNSW: build time for n rows, query time and recall@10 of 1,000 held-out queries against exact search. */
    private static void lucene(NDManager manager, int n, int dim, int classes, PrintStream out) {
        int nq = 1000;
        float[] data = clusters(n + nq, dim, classes, 42);
        float[][] gallery = new float[n][dim];
        float[][] queries = new float[nq][dim];
        for (int i = 0; i < n + nq; i++) {
            System.arraycopy(data, i * dim, i < n ? gallery[i] : queries[i - n], 0, dim);
        }
        out.println("| distance | N | build s | queries | query ms (total) | per query ms | recall@10 |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Distance distance : new Distance[] {Distance.euclidean(), Distance.cosine()}) {
            java.nio.file.Path dir = null;
            try {
                dir = java.nio.file.Files.createTempDirectory("hnsw-bench");
                long t0 = System.nanoTime();
                try (HnswIndex index = HnswIndex.build(dir.resolve("index"), gallery, distance,
                        HnswIndex.Config.defaults())) {
                    long t1 = System.nanoTime();
                    index.search(java.util.Arrays.copyOf(queries, 100), 10);
                    long t2 = System.nanoTime();
                    KnnResult approx = index.search(queries, 10);
                    long t3 = System.nanoTime();
                    KnnResult exact;
                    try (NDManager sub = manager.newSubManager()) {
                        exact = new ExactKnn(distance).search(sub.create(queries), sub.create(gallery), 10, null);
                    }
                    out.printf(Locale.ROOT, "| %s | %d | %.1f | %d | %.0f | %.2f | %.4f |%n",
                            distance.kind().name().toLowerCase(Locale.ROOT), n, (t1 - t0) / 1e9, nq,
                            (t3 - t2) / 1e6, (t3 - t2) / 1e6 / nq, HnswIndex.recall(approx, exact, 10));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                if (dir != null) {
                    try {
                        org.quaterion.models.io.AtomicDirectory.deleteRecursively(dir);
                    } catch (java.io.IOException e) {
                        out.println("could not delete " + dir + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /** Search plus the three metrics, as the peers time them. */
    private static double[] evaluate(ExactKnn knn, NDArray x, long[] labels, int classes) {
        int n = labels.length;
        long[] self = new long[n];
        for (int i = 0; i < n; i++) {
            self[i] = i;
        }
        int k = (n + classes - 1) / classes - 1;
        KnnResult result = knn.search(x, x, k, self);
        RetrievalMetrics metrics = RetrievalMetrics.of(result, labels, labels, self);
        return new double[] {metrics.precisionAt1(), metrics.rPrecision(), metrics.meanAveragePrecisionAtR()};
    }

    /** Gaussian clusters: class centres N(0, 1), points centre + N(0, 1.7²) per coordinate, class i % classes. */
    static float[] clusters(int n, int dim, int classes, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[classes][dim];
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[] data = new float[n * dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] = centres[i % classes][j] + (float) (1.7 * random.nextGaussian());
            }
        }
        return data;
    }

    private static double matMulPeak(NDManager manager) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray a = sub.randomNormal(new Shape(1024, 1024), DataType.FLOAT32);
            NDArray b = sub.randomNormal(new Shape(1024, 1024), DataType.FLOAT32);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < 8; r++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
            return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
        }
    }
}
