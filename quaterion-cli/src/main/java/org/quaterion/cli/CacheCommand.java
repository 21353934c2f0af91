package org.quaterion.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheManifest;
import org.quaterion.cache.LocalCacheBuilder;
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
        org.quaterion.models.internal.AtomicDirectory.checkReplaceable(output, org.quaterion.cache.EmbeddingStore.KIND);
        QuaterionCli.requireWritableDirectory(QuaterionCli.parentOf(output), "output parent");
        String name = encoder != null ? encoder : onlyEncoder();
        if (spark) {
            return runSpark(name);
        }
        if (partitions != 0 || master != null) {
            throw new IllegalArgumentException("--partitions and --master need --spark");
        }
        return runLocal(name);
    }

    private String onlyEncoder() {
        try (SimilarityModel<Object> m = load()) {
            if (m.encoders().size() != 1) {
                throw new IllegalArgumentException("the model has encoders " + m.encoders().keySet()
                        + "; choose one with --encoder");
            }
            return m.encoders().firstKey();
        }
    }

    private SimilarityModel<Object> load() {
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException("no model at " + model + ": pass a servable directory");
        }
        return SimilarityModel.load(model, ModelRegistry.discover(), null, Object.class);
    }

    private int runSpark(String name) throws IOException {
        try {
            Class.forName("org.apache.spark.sql.SparkSession");
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Spark is not on the class path: run this command through "
                    + "spark-submit (--class org.quaterion.cli.QuaterionCli), or add Spark's jars to the class path "
                    + "(see docs/scale-out.md)");
        }
        SparkCacheRunner.Summary s = SparkCacheRunner.run(model, name, input, format, keyColumn, recordColumn, output,
                batchSize, precision, partitions, maxFailureRate, master);
        System.out.printf(Locale.ROOT, "cached %d records of encoder '%s' in %d shards to %s (%d failed) in %.1f s%n",
                s.rows(), name, s.shards(), output, s.failed(), s.seconds());
        return 0;
    }

    private int runLocal(String name) throws IOException {
        String f = format != null ? format : input.endsWith(".jsonl") || input.endsWith(".json") ? "json" : "";
        if (!f.equals("json")) {
            throw new IllegalArgumentException("without --spark the cache reads JSON lines only; use --spark for "
                    + "CSV or Parquet");
        }
        List<String> keys = new ArrayList<>();
        List<Object> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null;) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                if (!o.has(keyColumn) || !o.has(recordColumn)) {
                    throw new IllegalArgumentException(input + " line " + lineNo + " lacks '" + keyColumn + "' or '"
                            + recordColumn + "'");
                }
                keys.add(o.get(keyColumn).getAsString());
                records.add(record(o.get(recordColumn)));
            }
        }
        long start = System.nanoTime();
        try (SimilarityModel<Object> m = load()) {
            Encoder<Object> e = m.encoders().get(name);
            if (e == null) {
                throw new IllegalArgumentException("the model has no encoder '" + name + "'; its encoders are "
                        + m.encoders().keySet());
            }
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

    private static Object record(JsonElement e) {
        if (e.isJsonArray()) {
            float[] v = new float[e.getAsJsonArray().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getAsJsonArray().get(i).getAsFloat();
            }
            return v;
        }
        return e.getAsString();
    }
}
