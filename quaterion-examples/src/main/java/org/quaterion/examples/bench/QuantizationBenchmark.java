package org.quaterion.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.quaterion.distance.Distance;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.search.Quantization;
import org.quaterion.search.VectorIndex;

/**
 * Memory, recall@10 and single-query latency of a {@link VectorIndex} per engine and quantisation: float32 exact,
 * float32 Lucene HNSW, INT8 and BINARY codes with exact re-scoring of {@code rescore × 10} candidates. Recall@10 is
 * against the float32 exact index; latency is the median of single-query searches on one libtorch thread after 10
 * untimed ones; memory is {@link VectorIndex#memoryBytes()} (the gallery's native memory; HNSW and the re-scored rows
 * are read through the page cache, so the HNSW row shows its files' size instead). Data sets (cosine distance): seeded
 * Gaussian clusters (384-d, 100 centres N(0, 1), points centre + N(0, 1.7²)) at each of {@code --sizes}, plus the
 * first 100,000 MiniLM vectors of the WordNet 3.1 glosses ({@link WordNetGlossVectors}) with the next glosses as
 * queries. Arguments: {@code --sizes 100000,1000000} ({@code none}: WordNet only), {@code --queries 200}, {@code --int8 4},
 * {@code --binary 10,30} (rescore factors), {@code --hnsw-up-to N} (largest gallery given an HNSW row, default 0:
 * none; its single-threaded build is the slow part), {@code --wordnet FILE} (the vector cache; {@code none} to skip),
 * {@code --wordnet-size N} (its gallery, default 100,000 of the 117,791 glosses), {@code --dir DIR} (where the
 * indexes are written and removed).
 */
public final class QuantizationBenchmark {

    private static final int K = 10;
    private static final int DIM = 384;

    private QuantizationBenchmark() {}

    /** One data set: gallery and held-out queries. */
    record DataSet(String name, float[][] gallery, float[][] queries) {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws IOException when an index cannot be written
     */
    public static void main(String[] args) throws IOException {
        int[] sizes = {100_000, 1_000_000};
        int queries = 200;
        int[] int8 = {4};
        int[] binary = {10, 30};
        int hnswUpTo = 0;
        int wordnetSize = 100_000;
        Path wordnet = WordNetGlossVectors.DEFAULT_CACHE;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "quaterion-quantization-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = args[++i].equals("none") ? new int[0] : ints(args[i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--int8" -> int8 = ints(args[++i]);
                case "--binary" -> binary = ints(args[++i]);
                case "--hnsw-up-to" -> hnswUpTo = Integer.parseInt(args[++i]);
                case "--wordnet" -> {
                    String value = args[++i];
                    wordnet = value.equals("none") ? null : Path.of(value);
                }
                case "--wordnet-size" -> wordnetSize = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + ": use --sizes A,B|none, "
                        + "--queries Q, --int8 R,.., --binary R,.., --hnsw-up-to N, --wordnet FILE|none, --wordnet-size N, --dir DIR");
            }
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "# VectorIndex quantisation, cosine, k = %d, %d single queries per row, libtorch "
                + "threads %s, %s%n", K, queries, System.getProperty("ai.djl.pytorch.num_threads", "default"),
                Runtime.version());
        out.println("| data | N | engine | quantisation | memory | bytes/vector | recall@10 | p50 ms/query "
                + "| build + open s |");
        out.println("|---|---:|---|---|---:|---:|---:|---:|---:|");
        List<DataSet> sets = new ArrayList<>();
        for (int n : sizes) {
            sets.add(synthetic(n, queries, 42));
        }
        if (wordnet != null) {
            sets.add(wordnet(wordnet, wordnetSize, queries, out));
        }
        for (DataSet set : sets) {
            run(set, dir, int8, binary, hnswUpTo, out);
        }
    }

    private static void run(DataSet set, Path dir, int[] int8, int[] binary, int hnswUpTo, PrintStream out)
            throws IOException {
        int n = set.gallery().length;
        List<String> ids = IntStream.range(0, n).mapToObj(Integer::toString).toList();
        VectorIndex.Config exact = VectorIndex.Config.defaults().withHnswThreshold(Integer.MAX_VALUE);
        Path path = dir.resolve("index");
        try {
            Measured base = measure(path, ids, set, exact, null);
            List<Set<String>> truth = base.topIds();
            row(out, set, "float32", base, base.memory(), null);
            if (n <= hnswUpTo) {
                Measured hnsw = measure(path, ids, set, VectorIndex.Config.defaults().withHnswThreshold(0), truth);
                row(out, set, "float32", hnsw, -1, sizeOf(path.resolve("hnsw")));
            }
            for (int r : int8) {
                Measured m = measure(path, ids, set, exact.withQuantization(Quantization.INT8, r), truth);
                row(out, set, "int8 + rescore ×" + r, m, m.memory(), null);
            }
            for (int r : binary) {
                Measured m = measure(path, ids, set, exact.withQuantization(Quantization.BINARY, r), truth);
                row(out, set, "binary + rescore ×" + r, m, m.memory(), null);
            }
        } finally {
            if (Files.exists(dir)) {
                AtomicDirectory.deleteRecursively(dir);
            }
        }
    }

    /** What one index measured. */
    private record Measured(String engine, long memory, double recall, double p50, double buildSeconds,
            List<Set<String>> topIds) {}

    private static Measured measure(Path path, List<String> ids, DataSet set, VectorIndex.Config config,
            List<Set<String>> truth) throws IOException {
        long t0 = System.nanoTime();
        try (VectorIndex index = VectorIndex.build(path, ids, set.gallery(), config)) {
            double build = (System.nanoTime() - t0) / 1e9;
            float[][] queries = set.queries();
            for (int i = 0; i < Math.min(10, queries.length); i++) {
                index.search(queries[i], K);
            }
            double[] ms = new double[queries.length];
            List<Set<String>> found = new ArrayList<>();
            for (int i = 0; i < queries.length; i++) {
                long s = System.nanoTime();
                List<VectorIndex.Hit> hits = index.search(queries[i], K);
                ms[i] = (System.nanoTime() - s) / 1e6;
                Set<String> top = new HashSet<>();
                hits.forEach(h -> top.add(h.id()));
                found.add(top);
            }
            Arrays.sort(ms);
            double recall = 1;
            if (truth != null) {
                int shared = 0;
                for (int i = 0; i < queries.length; i++) {
                    for (String id : found.get(i)) {
                        shared += truth.get(i).contains(id) ? 1 : 0;
                    }
                }
                recall = shared / (double) (K * queries.length);
            }
            return new Measured(index.engine(), index.memoryBytes(), recall, ms[ms.length / 2], build, found);
        }
    }

    private static void row(PrintStream out, DataSet set, String quantization, Measured m, long memory, Long files) {
        int n = set.gallery().length;
        String mem = memory >= 0 ? mib(memory) : "0 (files " + mib(files) + ", page cache)";
        String perVector = memory >= 0 ? String.format(Locale.ROOT, "%.0f", memory / (double) n) : "—";
        out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %.4f | %.2f | %.1f |%n", set.name(), n,
                m.engine(), quantization, mem, perVector, m.recall(), m.p50(), m.buildSeconds());
        out.flush();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /**
     * Gaussian clusters as in {@link RetrievalBenchmark}: 100 centres N(0, 1), points centre + N(0, 1.7²) per
     * coordinate (so neighbours within a cluster are told apart by the noise, the hard case for codes); n gallery
     * points and q held-out queries.
     */
    static DataSet synthetic(int n, int q, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[100][DIM];
        for (float[] c : centres) {
            for (int j = 0; j < DIM; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[][] all = new float[n + q][DIM];
        for (int i = 0; i < all.length; i++) {
            float[] c = centres[i % centres.length];
            for (int j = 0; j < DIM; j++) {
                all[i][j] = c[j] + (float) (1.7 * random.nextGaussian());
            }
        }
        return new DataSet("synthetic", Arrays.copyOf(all, n), Arrays.copyOfRange(all, n, n + q));
    }

    /** The first n WordNet gloss vectors as the gallery, the q after them as queries. */
    private static DataSet wordnet(Path cache, int n, int q, PrintStream out) throws IOException {
        float[][] all = WordNetGlossVectors.load(cache, n + q, out);
        if (all.length < n + q) {
            throw new IllegalStateException(cache + " holds " + all.length + " vectors, fewer than " + (n + q));
        }
        return new DataSet("WordNet MiniLM", Arrays.copyOf(all, n), Arrays.copyOfRange(all, n, n + q));
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
