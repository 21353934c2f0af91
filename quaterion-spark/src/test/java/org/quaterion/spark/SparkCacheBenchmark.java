package org.quaterion.spark;

import ai.djl.ndarray.NDManager;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.EmbeddingStore;
import org.quaterion.cache.LocalCacheBuilder;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.onnx.MiniLm;

/**
 * Shard building on Spark {@code local[2]} against the single-JVM cache fill, and the time to open a big cache:
 * {@code small} (1,000,000 vectors × the 32 → 64 → 64 MLP encoder) and {@code minilm} (20,000 sentences × MiniLM
 * int8). Sizes: {@code -Dbench.rows}, {@code -Dbench.texts}. Prints a table; figures go to docs/benchmarks.md.
 */
public final class SparkCacheBenchmark {

    private static final int IN = 32;

    private SparkCacheBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code small}, {@code minilm} or {@code all}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        Path work = Files.createTempDirectory("quaterion-spark-bench-");
        ExecutorModels.configureThreads();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("quaterion-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.local.dir",
                        work.resolve("spark").toString()).getOrCreate();
        try {
            System.out.println("| workload | path | seconds | records/s |");
            System.out.println("|---|---|---|---|");
            if (!which.equals("minilm")) {
                small(spark, work, Integer.getInteger("bench.rows", 1_000_000));
            }
            if (!which.equals("small")) {
                minilm(spark, work, Integer.getInteger("bench.texts", 20_000));
            }
        } finally {
            spark.stop();
            AtomicDirectory.deleteRecursively(work);
        }
    }

    private static void row(String workload, String path, double seconds, long records) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %,.0f |%n", workload, path, seconds, records / seconds);
    }

    private static void small(SparkSession spark, Path work, int n) throws Exception {
        Path model = work.resolve("mlp");
        MlpEncoders.save(model, IN);
        Path input = work.resolve("vectors.parquet");
        spark.range(n).selectExpr("concat('item-', id) as key",
                "transform(sequence(1, " + IN + "), i -> cast(sin(id * i) as float)) as record")
                .write().parquet(input.toString());
        String workload = String.format(Locale.ROOT, "%,d × MLP %d→64", n, IN);
        Path sparkCache = work.resolve("mlp-spark");
        for (int partitions : new int[] {8, 8, 64, 0}) {
            SparkCacheResult r = SparkCacheJob.run(spark, SparkCacheOptions.of(model, "vec", input.toString(),
                    sparkCache).withBatchSize(256).withPartitions(partitions).withCheckDuplicateKeys(false));
            row(workload, "Spark local[2], " + (partitions == 0 ? "input's " + r.shards() + " partitions, no "
                    + "shuffle" : partitions + " shards"), r.seconds(), r.rows());
        }
        SparkCacheResult checked = SparkCacheJob.run(spark, SparkCacheOptions.of(model, "vec", input.toString(),
                sparkCache).withBatchSize(256).withPartitions(8));
        row(workload, "Spark local[2], 8 shards, duplicate-key check", checked.seconds(), checked.rows());

        List<String> keys = new ArrayList<>(n);
        List<float[]> records = new ArrayList<>(n);
        for (int id = 0; id < n; id++) {
            keys.add("item-" + id);
            float[] v = new float[IN];
            for (int i = 0; i < IN; i++) {
                v[i] = (float) Math.sin((double) id * (i + 1));
            }
            records.add(v);
        }
        try (SimilarityModel<float[]> m = SimilarityModel.load(model, float[].class)) {
            long t = System.nanoTime();
            LocalCacheBuilder.build(work.resolve("mlp-local"), "vec", m.encoders().get("vec"), keys, records, 256,
                    CacheConfig.Precision.FLOAT32);
            row(workload, "single JVM, 1 thread, records in memory", (System.nanoTime() - t) / 1e9, n);
        }
        records.clear();

        long t0 = System.nanoTime();
        String problem = EmbeddingStore.problem(sparkCache);
        long t1 = System.nanoTime();
        try (EmbeddingStore store = EmbeddingStore.open(sparkCache)) {
            long t2 = System.nanoTime();
            store.row("item-0");
            long t3 = System.nanoTime();
            Random random = new Random(1);
            int[] rows = new int[10_000];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = store.row("item-" + random.nextInt(n));
            }
            long t4 = System.nanoTime();
            try (NDManager manager = NDManager.newBaseManager()) {
                store.rows(rows, manager);
            }
            long t5 = System.nanoTime();
            System.out.println();
            System.out.printf(Locale.ROOT, "open %,d cached rows (%d shards, %.0f MB): verify checksums %.2f s (%s), "
                    + "map + read keys %.2f s, key map %.2f s, 10,000 random lookups %.1f ms + copy %.1f ms%n", n,
                    store.manifest().shards().size(), store.rows() * store.embeddingSize() * 4 / 1e6, (t1 - t0) / 1e9,
                    problem == null ? "intact" : problem, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e6,
                    (t5 - t4) / 1e6);
            System.out.println();
        }
    }

    private static void minilm(SparkSession spark, Path work, int n) throws Exception {
        Path model = work.resolve("minilm");
        try (SimilarityModel<String> m = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new EmptyHead(MiniLm.DIM)).build()) {
            m.save(model);
        }
        String[] words = ("a the small large red green old new quick slow bright dark river mountain city village "
                + "engine bridge garden market teacher doctor river song story window table chair paper glass stone "
                + "water fire wind light shadow morning evening winter summer journey letter picture island forest")
                .split(" ");
        Random random = new Random(3);
        List<String> keys = new ArrayList<>(n);
        List<String> texts = new ArrayList<>(n);
        Path input = work.resolve("texts.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                StringBuilder s = new StringBuilder();
                int len = 6 + random.nextInt(14);
                for (int w = 0; w < len; w++) {
                    s.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
                }
                keys.add("t" + i);
                texts.add(s.toString());
                out.write("{\"key\":\"t" + i + "\",\"record\":\"" + s + "\"}\n");
            }
        }
        String workload = String.format(Locale.ROOT, "%,d × MiniLM int8", n);
        SparkCacheResult r = SparkCacheJob.run(spark, SparkCacheOptions.of(model, "text", input.toString(),
                work.resolve("minilm-spark")).withPartitions(8));
        row(workload, "Spark local[2], 8 shards", r.seconds(), r.rows());
        for (String threads : new String[] {"1", "2"}) {
            System.setProperty(org.quaterion.onnx.OnnxSentenceEncoder.THREADS_PROPERTY, threads);
            try (SimilarityModel<String> m = SimilarityModel.load(model, String.class)) {
                long t = System.nanoTime();
                LocalCacheBuilder.build(work.resolve("minilm-local"), "text", m.encoders().get("text"), keys, texts,
                        32, CacheConfig.Precision.FLOAT32);
                row(workload, "single JVM, " + threads + " ONNX Runtime thread(s)", (System.nanoTime() - t) / 1e9, n);
            }
        }
    }
}
