package org.quaterion.spark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.quaterion.cache.CacheManifest;
import org.quaterion.cache.EmbeddingStore;
import org.quaterion.cache.EncoderCache;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.io.AtomicDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the frozen-encoder cache of one encoder on Spark: every partition of the input runs the encoder inside
 * {@code mapPartitions} (the model loads once per executor JVM, one libtorch thread per task) and writes one shard in
 * the format of the single-machine cache; the driver then writes {@code cache.json} and {@code failures.jsonl} and
 * renames the directory into place. Train on the result with {@code CacheConfig.withPrebuilt}.
 */
public final class SparkCacheJob {

    private static final Logger LOG = LoggerFactory.getLogger(SparkCacheJob.class);
    private static final int EXAMPLES = 10;

    private SparkCacheJob() {}

    /**
     * Runs the job.
     *
     * @param spark the session (local or a cluster)
     * @param options what to encode and where to write
     * @return what was written
     * @throws IOException when writing fails
     * @throws IllegalArgumentException when the model, the encoder or the columns are unusable, or keys repeat
     * @throws IllegalStateException when more records fail than {@code maxFailureRate} allows (nothing is written)
     */
    public static SparkCacheResult run(SparkSession spark, SparkCacheOptions options) throws IOException {
        return run(spark, options, ShardTask.Steps.NONE);
    }

    /** {@link #run(SparkSession, SparkCacheOptions)}, telling {@code steps} where each attempt is. */
    static SparkCacheResult run(SparkSession spark, SparkCacheOptions options, ShardTask.Steps steps)
            throws IOException {
        long start = System.nanoTime();
        options.requireFormat();
        ExecutorModels.configureThreads();
        String encoderFingerprint;
        int dim;
        try (SimilarityModel<Object> model = SimilarityModel.load(options.modelDir(), Object.class)) {
            Encoder<Object> encoder = model.encoders().get(options.encoder());
            if (encoder == null) {
                throw new IllegalArgumentException("the model at " + options.modelDir() + " has no encoder '"
                        + options.encoder() + "'; its encoders are " + model.encoders().keySet());
            }
            if (encoder.trainable()) {
                throw new IllegalArgumentException("encoder '" + options.encoder() + "' is trainable; only frozen "
                        + "encoders are cached");
            }
            encoderFingerprint = EncoderCache.encoderFingerprint(options.encoder(), encoder);
            dim = encoder.embeddingSize();
        }
        Dataset<Row> data = read(spark, options);
        boolean vectors = data.schema().fields()[1].dataType() instanceof ArrayType;
        if (options.checkDuplicateKeys()) {
            List<Row> repeated = data.groupBy("key").count().filter("count > 1").limit(EXAMPLES).collectAsList();
            if (!repeated.isEmpty()) {
                throw new IllegalArgumentException("keys must be unique, but " + repeated.stream().map(r ->
                        "'" + r.get(0) + "' occurs " + r.getLong(1) + " times").toList() + "; deduplicate the input");
            }
        }
        Dataset<Row> partitioned = options.partitions() > 0 ? data.repartition(options.partitions()) : data;
        long[] totals = new long[2];
        List<RecordFailure> examples = new ArrayList<>();
        int[] shardCount = {0};
        AtomicDirectory.write(options.output(), EmbeddingStore.KIND, staging -> {
            ShardTask task = new ShardTask(options.modelDir().toAbsolutePath().toString(), options.encoder(),
                    staging.toAbsolutePath().toString(), vectors, options.batchSize(), options.precision(), steps);
            List<String> reports = new ArrayList<>(
                    partitioned.mapPartitions(task, Encoders.STRING()).collectAsList());
            removeLeftovers(staging);
            List<JsonObject> parsed = new ArrayList<>();
            reports.forEach(r -> parsed.add(JsonParser.parseString(r).getAsJsonObject()));
            parsed.sort(Comparator.comparingInt(o -> o.get("partition").getAsInt()));
            List<CacheShard.Info> shards = new ArrayList<>();
            DataFingerprint fingerprint = new DataFingerprint();
            try (BufferedWriter failures = Files.newBufferedWriter(staging.resolve("failures.jsonl"),
                    StandardCharsets.UTF_8)) {
                for (JsonObject report : parsed) {
                    shards.add(CacheShard.Info.fromJson(report.getAsJsonObject("shard")));
                    fingerprint.merge(DataFingerprint.parse(report.get("fingerprint").getAsString()));
                    for (JsonElement f : report.getAsJsonArray("failures")) {
                        failures.write(f.toString());
                        failures.write('\n');
                        totals[1]++;
                        if (examples.size() < EXAMPLES) {
                            JsonObject o = f.getAsJsonObject();
                            examples.add(new RecordFailure(o.get("key").getAsString(), o.get("error").getAsString()));
                        }
                    }
                }
            }
            totals[0] = fingerprint.rows();
            long all = totals[0] + totals[1];
            if (totals[1] > options.maxFailureRate() * all) {
                throw new IllegalStateException(totals[1] + " of " + all + " records failed to encode, more than the "
                        + "allowed " + options.maxFailureRate() + " (maxFailureRate); nothing was written. First "
                        + "failures: " + examples);
            }
            new CacheManifest(CacheShard.FORMAT, options.encoder(), encoderFingerprint, options.precision(),
                    options.batchSize(), fingerprint.hex(), totals[0], dim, "spark", shards).write(staging);
            shardCount[0] = shards.size();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (totals[1] > 0) {
            LOG.warn("{} records failed to encode and are not in the cache; see {}", totals[1],
                    options.output().resolve("failures.jsonl"));
        }
        LOG.info("cache of encoder '{}' written to {}: {} rows in {} shards, {} failed, {} s", options.encoder(),
                options.output(), totals[0], shardCount[0], totals[1], String.format("%.1f", seconds));
        return new SparkCacheResult(options.output(), totals[0], totals[1], examples, shardCount[0], seconds);
    }

    /**
     * Runs the job in a session of its own: the one {@code spark-submit} configured, else {@code master} (or
     * {@code local[*]} when neither gives one); the session is stopped afterwards.
     *
     * @param options what to encode and where to write
     * @param master a master URL, or null
     * @return what was written
     * @throws IOException when writing fails
     */
    public static SparkCacheResult runStandalone(SparkCacheOptions options, String master) throws IOException {
        SparkSession.Builder builder = SparkSession.builder().appName("quaterion-cache");
        if (master != null) {
            builder.master(master);
        } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master("local[*]").config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            return run(spark, options);
        } finally {
            spark.stop();
        }
    }

    /** The input as two columns, {@code key} (text) and {@code record} (text or an array of numbers). */
    private static Dataset<Row> read(SparkSession spark, SparkCacheOptions options) {
        Dataset<Row> raw = spark.read().format(options.requireFormat()).option("header", "true").load(options.input());
        List<String> columns = List.of(raw.columns());
        for (String c : List.of(options.keyColumn(), options.recordColumn())) {
            if (!columns.contains(c)) {
                throw new IllegalArgumentException("the input has no column '" + c + "'; its columns are " + columns);
            }
        }
        DataType type = raw.schema().apply(options.recordColumn()).dataType();
        boolean text = type.equals(DataTypes.StringType);
        boolean vector = type instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!text && !vector) {
            throw new IllegalArgumentException("record column '" + options.recordColumn() + "' has type "
                    + type.simpleString() + "; the cache job reads text (string) or vectors (array of numbers)");
        }
        return raw.select(functions.col(options.keyColumn()).cast(DataTypes.StringType).as("key"),
                functions.col(options.recordColumn()).as("record"));
    }

    /** Deletes the temporary files of failed or duplicate attempts. */
    private static void removeLeftovers(Path staging) throws IOException {
        try (Stream<Path> files = Files.list(staging)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
