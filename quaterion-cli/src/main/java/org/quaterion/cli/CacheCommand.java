package org.quaterion.cli;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheManifest;
import org.quaterion.cache.LocalCacheBuilder;
import org.quaterion.dataset.Datasets;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quaterion cache}: encodes a keyed dataset with a saved model's frozen encoder into a cache directory that
 * {@code CacheConfig.withPrebuilt} trains from. With {@code --spark} the work runs as a Spark job (JSON lines, CSV or
 * Parquet; Spark must be on the class path, e.g. under {@code spark-submit}); without it, in this JVM (JSON lines).
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Precompute a frozen encoder's embedding cache (in this JVM or on Spark).")
final class CacheCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "the saved model (servable directory)")
    Path model;

    @Option(names = "--encoder", description = "the encoder's name in the model (default: its only encoder)")
    String encoder;

    @Option(names = "--input", required = true, description = "the records: a file or directory")
    String input;

    @Option(names = "--format", description = "json (lines), csv or parquet (default: from the extension)")
    String format;

    @Option(names = "--key-column", defaultValue = "key", description = "column with unique keys (default: key)")
    String keyColumn;

    @Option(names = "--record-column", defaultValue = "record",
            description = "column with the record: text or an array of numbers (default: record)")
    String recordColumn;

    @Option(names = "--output", required = true, description = "the cache directory (replaced atomically)")
    Path output;

    @Option(names = "--batch-size", defaultValue = "32", description = "records per forward pass (default: 32)")
    int batchSize;

    @Option(names = "--precision", defaultValue = "FLOAT32", description = "FLOAT32 or FLOAT16")
    CacheConfig.Precision precision;

    @Option(names = "--spark", description = "run as a Spark job")
    boolean spark;

    @Option(names = "--master", description = "Spark master URL when not set by spark-submit (default: local[*])")
    String master;

    @Option(names = "--partitions", defaultValue = "0", description = "Spark tasks (shards); 0 keeps the input's")
    int partitions;

    @Option(names = "--max-failure-rate", defaultValue = "0.01",
            description = "largest tolerated fraction of records that fail to encode (default: 0.01)")
    double maxFailureRate;

    @Override
    public Integer call() throws IOException {
        // options, the output and the input are checked (and local input read) before the model loads
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
            throw new IllegalArgumentException("--max-failure-rate must be in [0, 1], got " + maxFailureRate);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be >= 0, got " + partitions);
        }
        org.quaterion.models.io.AtomicDirectory.checkReplaceable(output, org.quaterion.cache.EmbeddingStore.KIND);
        CliInputs.requireWritableDirectory(CliInputs.parentOf(output), "output parent");
        if (spark) {
            return runSpark();
        }
        if (partitions != 0 || master != null) {
            throw new IllegalArgumentException("--partitions and --master need --spark");
        }
        return runLocal();
    }

    private SimilarityModel<Object> load() {
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException("no model at " + model + ": pass a servable directory");
        }
        return SimilarityModel.load(model, ModelRegistry.discover(), null, Object.class);
    }

    /** The name of the encoder to cache: --encoder, checked against the model, or the model's only encoder. */
    private String encoderName(SimilarityModel<Object> m) {
        if (encoder == null) {
            if (m.encoders().size() != 1) {
                throw new IllegalArgumentException("the model has encoders " + m.encoders().keySet()
                        + "; choose one with --encoder");
            }
            return m.encoders().firstKey();
        }
        if (!m.encoders().containsKey(encoder)) {
            throw new IllegalArgumentException("the model has no encoder '" + encoder + "'; its encoders are "
                    + m.encoders().keySet());
        }
        return encoder;
    }

    private int runSpark() throws IOException {
        try {
            Class.forName("org.apache.spark.sql.SparkSession");
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Spark is not on the class path: run this command through "
                    + "spark-submit (--class org.quaterion.cli.QuaterionCli), or add Spark's jars to the class path "
                    + "(see docs/scale-out.md)");
        }
        if (!input.contains("://") && !Files.exists(Path.of(input))) {
            throw new IllegalArgumentException("no input file or directory " + input);
        }
        String name;
        try (SimilarityModel<Object> m = load()) {
            name = encoderName(m);
        }
        SparkCacheRunner.Summary s = SparkCacheRunner.run(model, name, input, format, keyColumn, recordColumn, output,
                batchSize, precision, partitions, maxFailureRate, master);
        System.out.printf(Locale.ROOT, "cached %d records of encoder '%s' in %d shards to %s (%d failed) in %.1f s%n",
                s.rows(), name, s.shards(), output, s.failed(), s.seconds());
        return 0;
    }

    private int runLocal() throws IOException {
        String f = format != null ? format : input.endsWith(".jsonl") || input.endsWith(".json") ? "json" : "";
        if (!f.equals("json")) {
            throw new IllegalArgumentException("without --spark the cache reads JSON lines only; use --spark for "
                    + "CSV or Parquet");
        }
        Path file = Path.of(input);
        CliInputs.requireFile(file, "input");
        List<String> keys = new ArrayList<>();
        List<Object> records = new ArrayList<>();
        Datasets.readJsonl(file, o -> {
            keys.add(key(o.get(keyColumn)));
            records.add(record(o.get(recordColumn)));
            return null;
        });
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + " has no records");
        }
        long start = System.nanoTime();
        try (SimilarityModel<Object> m = load()) {
            String name = encoderName(m);
            Encoder<Object> e = m.encoders().get(name);
            CacheManifest written;
            try (StopOnSignal signal = new StopOnSignal(() -> { })) {
                written = LocalCacheBuilder.build(output, name, e, keys, records, batchSize, precision,
                        signal::requested);
            } catch (java.util.concurrent.CancellationException stopped) {
                System.err.println("interrupted: " + stopped.getMessage() + "; " + output + " is as it was");
                return 130; // the model closes first (waiting for encoder calls in flight), then the JVM exits
            }
            System.out.printf(Locale.ROOT, "cached %d records of encoder '%s' to %s in %.1f s%n", written.rows(),
                    name, output, (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    /** A record's key: a JSON string or number. */
    private String key(JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException("'" + keyColumn + "' must be a string or a number, got " + e
                    + " (choose the key column with --key-column)");
        }
        return e.getAsString();
    }

    /** A record: a JSON string (text) or an array of numbers (a vector). */
    private Object record(JsonElement e) {
        if (e != null && e.isJsonArray()) {
            float[] v = new float[e.getAsJsonArray().size()];
            for (int i = 0; i < v.length; i++) {
                JsonElement x = e.getAsJsonArray().get(i);
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                    throw new IllegalArgumentException("'" + recordColumn + "' must be text or an array of numbers; "
                            + "item " + i + " is " + x);
                }
                v[i] = x.getAsFloat();
            }
            return v;
        }
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("'" + recordColumn + "' must be text or an array of numbers, got " + e
                    + " (choose the record column with --record-column)");
        }
        return e.getAsString();
    }
}
