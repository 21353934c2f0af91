package org.quaterion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheManifest;
import org.quaterion.cache.CacheType;
import org.quaterion.cache.EmbeddingStore;
import org.quaterion.cache.LocalCacheBuilder;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/** The Spark cache job in local mode: equal to the local cache, retry-safe, refused when stale, failures counted. */
class SparkCacheJobTest {

    private static final int N = 3000;
    private static final int DIM = 8;
    private static final int FILES = 4;

    @TempDir
    static Path tmp;

    private static SparkSession spark;
    private static Path model;
    private static Path input;
    private static List<String> keys;
    private static List<float[]> records;

    @BeforeAll
    static void start() throws IOException {
        // local[2, 3]: two task threads, and a failed task is retried (up to 3 attempts), as on a cluster
        spark = SparkSession.builder().master("local[2,3]").appName("quaterion-spark-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
                .config("spark.local.dir", tmp.resolve("spark").toString()).getOrCreate();
        model = tmp.resolve("model");
        MlpEncoders.save(model, DIM);
        Random random = new Random(7);
        keys = new ArrayList<>();
        records = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] v = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                v[j] = (float) random.nextGaussian();
            }
            keys.add("item-" + i);
            records.add(v);
        }
        input = tmp.resolve("input");
        writeJsonl(input, keys, records, Map.of());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Writes FILES JSON-lines files (one Spark partition each); {@code raw} overrides a record's JSON text. */
    private static void writeJsonl(Path dir, List<String> k, List<float[]> r, Map<Integer, String> raw)
            throws IOException {
        Files.createDirectories(dir);
        int per = (k.size() + FILES - 1) / FILES;
        for (int f = 0; f < FILES; f++) {
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("part-" + f + ".json"),
                    StandardCharsets.UTF_8)) {
                for (int i = f * per; i < Math.min(k.size(), (f + 1) * per); i++) {
                    StringBuilder v = new StringBuilder("[");
                    for (int j = 0; j < r.get(i).length; j++) {
                        v.append(j == 0 ? "" : ",").append(r.get(i)[j]);
                    }
                    String record = raw.getOrDefault(i, v.append("]").toString());
                    out.write("{\"id\":\"" + k.get(i) + "\",\"vector\":" + record + "}\n");
                }
            }
        }
    }

    private static SparkCacheOptions options(Path in, Path out) {
        return SparkCacheOptions.of(model, "vec", in.toString(), out).withFormat("json").withColumns("id", "vector")
                .withBatchSize(32).withPartitions(FILES);
    }

    /** A frozen encoder loaded from a saved model, under a trainable linear head. */
    static final class Model extends TrainableModel<float[]> {
        private final Path modelDir;
        private final CacheConfig<float[]> cache;
        private SimilarityModel<float[]> source;

        Model(Path modelDir, CacheConfig<float[]> cache) {
            this.modelDir = modelDir;
            this.cache = cache;
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            source = SimilarityModel.load(modelDir, float[].class);
            return Map.of("vec", source.encoders().get("vec"));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new LinearHead(inputSize, 8);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new TripletLoss();
        }

        @Override
        protected CacheConfig<float[]> configureCaches() {
            return cache;
        }

        @Override
        public void close() {
            super.close();
            if (source != null) {
                source.close();
            }
        }
    }

    private static List<Double> fit(Path modelDir, List<float[]> data, CacheConfig<float[]> cache) throws Exception {
        List<SimilarityGroupSample<float[]>> samples = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            samples.add(new SimilarityGroupSample<>(data.get(i), i % 10));
        }
        GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(samples,
                LoaderOptions.batchSize(60));
        try (Model m = new Model(modelDir, cache)) {
            return Quaterion.fit(m, TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false)
                    .withEarlyStopping(null), train, null).stepLosses();
        }
    }

    /** Keys by record identity: the records here are bare vectors. */
    private static CacheConfig<float[]> prebuilt(Path dir, List<float[]> data, List<String> k) {
        Map<float[], String> keyOf = new IdentityHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            keyOf.put(data.get(i), k.get(i));
        }
        return CacheConfig.<float[]>of(CacheType.AUTO).withBatchSize(32).withKeyExtractors(Map.of("vec", keyOf::get))
                .withPrebuilt(Map.of("vec", dir));
    }

    @Test
    void sparkCacheEqualsTheLocalCacheAndTrainsIdentically() throws Exception {
        Path sparkDir = tmp.resolve("spark-cache");
        SparkCacheResult result = SparkCacheJob.run(spark, options(input, sparkDir));
        assertEquals(N, result.rows());
        assertEquals(0, result.failed());
        assertEquals(FILES, result.shards(), "one shard per partition");

        Path localDir = tmp.resolve("local-cache");
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(model, float[].class)) {
            LocalCacheBuilder.build(localDir, "vec", loaded.encoders().get("vec"), keys, records, 32,
                    CacheConfig.Precision.FLOAT32);
        }
        assertNull(EmbeddingStore.problem(sparkDir));
        CacheManifest sm = CacheManifest.read(sparkDir);
        CacheManifest lm = CacheManifest.read(localDir);
        assertEquals(lm.encoderFingerprint(), sm.encoderFingerprint());
        assertEquals(lm.dataFingerprint(), sm.dataFingerprint(), "same (key, record) set, same fingerprint");
        int compared = 0;
        try (EmbeddingStore s = EmbeddingStore.open(sparkDir); EmbeddingStore l = EmbeddingStore.open(localDir);
                NDManager manager = NDManager.newBaseManager()) {
            assertEquals(N, s.rows());
            for (String key : keys) {
                float[] a = s.rows(new int[] {s.row(key)}, manager).toFloatArray();
                float[] b = l.rows(new int[] {l.row(key)}, manager).toFloatArray();
                assertArrayEquals(b, a, "row of " + key);
                compared++;
            }
        }
        System.out.println("spark vs local cache: " + compared + " rows compared, byte-identical");

        List<Double> onSpark = fit(model, records, prebuilt(sparkDir, records, keys));
        List<Double> onLocal = fit(model, records, prebuilt(localDir, records, keys));
        List<Double> ownFill = fit(model, records, CacheConfig.<float[]>of(CacheType.AUTO).withBatchSize(32));
        assertEquals(onLocal, onSpark, "fit on the Spark-built cache = fit on the local cache");
        assertEquals(ownFill, onSpark, "and = fit with the trainer's own fill");
        assertEquals(20, onSpark.size());
    }

    /** Fails the first attempt of one partition at one step; its retry runs through. */
    private static ShardTask.Steps failFirstAttempt(int failing, ShardTask.Step at) {
        return (partition, attempt, step) -> {
            if (partition == failing && attempt == 0 && step == at) {
                throw new IllegalStateException("failing partition " + partition + " attempt 0 at " + step);
            }
        };
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRetriedTaskLeavesNoDuplicateOrPartialShard() throws Exception {
        List<String> expected = new ArrayList<>(List.of(org.quaterion.models.io.AtomicDirectory.MARKER,
                "cache.json", "failures.jsonl"));
        for (int p = 0; p < FILES; p++) {
            expected.add(String.format("part-%05d.bin", p));
            expected.add(String.format("part-%05d.keys", p));
        }
        expected.sort(null);
        Path clean = tmp.resolve("clean");
        SparkCacheJob.run(spark, options(input, clean));
        for (ShardTask.Step point : ShardTask.Step.values()) {
            Path out = tmp.resolve("retried-" + point);
            SparkCacheResult result = SparkCacheJob.run(spark, options(input, out), failFirstAttempt(1, point));
            assertEquals(N, result.rows(), point.toString());
            assertEquals(expected, listing(out), "exactly one complete shard per partition after a retry " + point);
            assertNull(EmbeddingStore.problem(out));
            assertEquals(CacheManifest.read(clean).shards(), CacheManifest.read(out).shards(),
                    "the retried shard equals the clean run's (rows and checksums)");
        }
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().contains(".tmp")),
                    "no staging directory left behind");
        }
    }

    @Test
    void aChangedEncoderOrRecordChangesTheFingerprintAndTheTrainerRefusesTheStaleCache() throws Exception {
        Path cache = tmp.resolve("stale-cache");
        SparkCacheJob.run(spark, options(input, cache));

        Path otherModel = tmp.resolve("other-model");
        MlpEncoders.save(otherModel, DIM); // new random weights
        Path otherCache = tmp.resolve("other-encoder-cache");
        SparkCacheJob.run(spark, SparkCacheOptions.of(otherModel, "vec", input.toString(), otherCache)
                .withFormat("json").withColumns("id", "vector"));
        assertNotEquals(CacheManifest.read(cache).encoderFingerprint(),
                CacheManifest.read(otherCache).encoderFingerprint());
        IllegalArgumentException encoderError = assertThrows(IllegalArgumentException.class,
                () -> fit(otherModel, records, prebuilt(cache, records, keys)));
        assertTrue(encoderError.getMessage().contains("computed by another encoder"), encoderError.getMessage());

        List<float[]> changed = new ArrayList<>(records);
        float[] edited = records.get(5).clone();
        edited[3] += 0.5f;
        changed.set(5, edited);
        Path changedInput = tmp.resolve("changed-input");
        writeJsonl(changedInput, keys, changed, Map.of());
        Path changedCache = tmp.resolve("changed-data-cache");
        SparkCacheJob.run(spark, options(changedInput, changedCache));
        assertNotEquals(CacheManifest.read(cache).dataFingerprint(), CacheManifest.read(changedCache).dataFingerprint());
        IllegalArgumentException dataError = assertThrows(IllegalArgumentException.class,
                () -> fit(model, changed, prebuilt(cache, changed, keys)));
        assertTrue(dataError.getMessage().contains("1 of 600 records changed") && dataError.getMessage()
                .contains("item-5"), dataError.getMessage());

        List<String> renamed = new ArrayList<>(keys);
        renamed.set(0, "no-such-key");
        IllegalArgumentException keyError = assertThrows(IllegalArgumentException.class,
                () -> fit(model, records, prebuilt(cache, records, renamed)));
        assertTrue(keyError.getMessage().contains("1 keys are not in it"), keyError.getMessage());
    }

    @Test
    void failedRecordsAreCountedAndReportedByKeyUpToTheThreshold() throws Exception {
        Path badInput = tmp.resolve("bad-input");
        writeJsonl(badInput, keys, records, Map.of(10, "null", 20, "[1.0,2.0,3.0]", 30, "[1.0,2.0,3.0,4.0,5.0,6.0,"
                + "7.0,NaN]", 2000, "[1e39,0,0,0,0,0,0,0]"));
        Path out = tmp.resolve("bad-cache");
        SparkCacheResult result = SparkCacheJob.run(spark, options(badInput, out));
        assertEquals(N - 4, result.rows());
        assertEquals(4, result.failed());
        List<String> lines = Files.readAllLines(out.resolve("failures.jsonl"));
        assertEquals(4, lines.size());
        for (String key : List.of("item-10", "item-20", "item-30", "item-2000")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("\"" + key + "\"")), key + " reported: " + lines);
        }
        try (EmbeddingStore store = EmbeddingStore.open(out)) {
            assertEquals(-1, store.row("item-10"));
            assertTrue(store.row("item-11") >= 0);
        }

        Path strict = tmp.resolve("strict-cache");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SparkCacheJob.run(spark, options(badInput, strict).withMaxFailureRate(0.001)));
        assertTrue(e.getMessage().contains("4 of 3000 records failed"), e.getMessage());
        assertFalse(Files.exists(strict), "nothing is written when the threshold is exceeded");
    }

    @Test
    void badInputIsRejectedWithTheFix() throws Exception {
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> SparkCacheJob.run(spark,
                options(input, tmp.resolve("x")).withColumns("id", "text")));
        assertTrue(column.getMessage().contains("no column 'text'"), column.getMessage());
        IllegalArgumentException encoder = assertThrows(IllegalArgumentException.class, () -> SparkCacheJob.run(spark,
                SparkCacheOptions.of(model, "nope", input.toString(), tmp.resolve("y")).withFormat("json")));
        assertTrue(encoder.getMessage().contains("no encoder 'nope'"), encoder.getMessage());
        Path dup = tmp.resolve("dup-input");
        List<String> dupKeys = new ArrayList<>(keys);
        dupKeys.set(7, "item-3");
        writeJsonl(dup, dupKeys, records, Map.of());
        IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class, () -> SparkCacheJob.run(spark,
                options(dup, tmp.resolve("z"))));
        assertTrue(repeated.getMessage().contains("'item-3' occurs 2 times"), repeated.getMessage());
    }
}
