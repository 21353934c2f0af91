package org.quaterion.spark;

import java.nio.file.Path;
import org.quaterion.cache.CacheConfig;

/**
 * What {@link SparkCacheJob} encodes and where it writes. Immutable; start from {@link #of} and use the
 * {@code with…} methods.
 *
 * @param modelDir a saved {@code SimilarityModel} (servable directory) holding the frozen encoder
 * @param encoder the encoder's name in that model
 * @param input the dataset: a file or directory Spark can read
 * @param format {@code json} (JSON lines), {@code csv} (with a header row) or {@code parquet}; null: from the
 *     input's extension
 * @param keyColumn the column holding each record's unique key (cast to text)
 * @param recordColumn the column holding the record: text (string) or a vector (array of numbers)
 * @param output the cache directory to write (replaced atomically); must be on a filesystem every executor and the
 *     trainer can reach (local disk in local mode, NFS on a cluster)
 * @param batchSize records per forward pass (the same as the trainer's fill batch reproduces its rows exactly)
 * @param precision storage precision
 * @param partitions repartition the input into this many tasks (shards), or 0 to keep Spark's partitioning
 * @param maxFailureRate the largest fraction of records whose encoding may fail before the job fails (failed records
 *     are left out of the cache and listed in {@code failures.jsonl})
 * @param checkDuplicateKeys whether to fail before encoding when a key occurs twice (one extra shuffle of the keys)
 */
public record SparkCacheOptions(Path modelDir, String encoder, String input, String format, String keyColumn,
        String recordColumn, Path output, int batchSize, CacheConfig.Precision precision, int partitions,
        double maxFailureRate, boolean checkDuplicateKeys) {

    /** Validates the options. */
    public SparkCacheOptions {
        if (modelDir == null || encoder == null || input == null || output == null || keyColumn == null
                || recordColumn == null || precision == null) {
            throw new IllegalArgumentException("modelDir, encoder, input, keyColumn, recordColumn, output and "
                    + "precision are required");
        }
        format = format == null ? formatOf(input) : format.toLowerCase(java.util.Locale.ROOT);
        if (format != null && !format.equals("json") && !format.equals("csv") && !format.equals("parquet")) {
            throw new IllegalArgumentException("input format '" + format + "' is not one of json, csv, parquet");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0 keeps the input's), got " + partitions);
        }
        if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
            throw new IllegalArgumentException("maxFailureRate must be in [0, 1], got " + maxFailureRate);
        }
    }

    /**
     * Options with the defaults: format from the input's extension, columns {@code key} and {@code record}, batch
     * 32, float32, the input's partitioning, up to 1% failed records, duplicate keys checked.
     *
     * @param modelDir the saved model
     * @param encoder the encoder's name in it
     * @param input the dataset
     * @param output the cache directory
     * @return the options
     */
    public static SparkCacheOptions of(Path modelDir, String encoder, String input, Path output) {
        return new SparkCacheOptions(modelDir, encoder, input, null, "key", "record", output, 32,
                CacheConfig.Precision.FLOAT32, 0, 0.01, true);
    }

    /**
     * The input format.
     *
     * @return json, csv or parquet
     * @throws IllegalArgumentException when none was given and the input's name does not tell
     */
    public String requireFormat() {
        if (format == null) {
            throw new IllegalArgumentException("cannot tell the format of '" + input + "' from its name; give one of "
                    + "json, csv, parquet");
        }
        return format;
    }

    /** The format a path's extension implies, or null. */
    private static String formatOf(String input) {
        String lower = input.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            return "json";
        }
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        if (lower.endsWith(".parquet")) {
            return "parquet";
        }
        return null;
    }

    /**
     * With the input format.
     *
     * @param f json, csv or parquet
     * @return new options
     */
    public SparkCacheOptions withFormat(String f) {
        return new SparkCacheOptions(modelDir, encoder, input, f, keyColumn, recordColumn, output, batchSize,
                precision, partitions, maxFailureRate, checkDuplicateKeys);
    }

    /**
     * With the key and record columns.
     *
     * @param key the key column
     * @param record the record column
     * @return new options
     */
    public SparkCacheOptions withColumns(String key, String record) {
        return new SparkCacheOptions(modelDir, encoder, input, format, key, record, output, batchSize, precision,
                partitions, maxFailureRate, checkDuplicateKeys);
    }

    /**
     * With a batch size.
     *
     * @param size records per forward pass
     * @return new options
     */
    public SparkCacheOptions withBatchSize(int size) {
        return new SparkCacheOptions(modelDir, encoder, input, format, keyColumn, recordColumn, output, size,
                precision, partitions, maxFailureRate, checkDuplicateKeys);
    }

    /**
     * With a storage precision.
     *
     * @param p the precision
     * @return new options
     */
    public SparkCacheOptions withPrecision(CacheConfig.Precision p) {
        return new SparkCacheOptions(modelDir, encoder, input, format, keyColumn, recordColumn, output, batchSize, p,
                partitions, maxFailureRate, checkDuplicateKeys);
    }

    /**
     * With a partition (shard) count.
     *
     * @param n tasks, or 0 for the input's partitioning
     * @return new options
     */
    public SparkCacheOptions withPartitions(int n) {
        return new SparkCacheOptions(modelDir, encoder, input, format, keyColumn, recordColumn, output, batchSize,
                precision, n, maxFailureRate, checkDuplicateKeys);
    }

    /**
     * With a failure threshold.
     *
     * @param rate the largest tolerated fraction of failed records
     * @return new options
     */
    public SparkCacheOptions withMaxFailureRate(double rate) {
        return new SparkCacheOptions(modelDir, encoder, input, format, keyColumn, recordColumn, output, batchSize,
                precision, partitions, rate, checkDuplicateKeys);
    }

    /**
     * With or without the duplicate-key check.
     *
     * @param check whether to check
     * @return new options
     */
    public SparkCacheOptions withCheckDuplicateKeys(boolean check) {
        return new SparkCacheOptions(modelDir, encoder, input, format, keyColumn, recordColumn, output, batchSize,
                precision, partitions, maxFailureRate, check);
    }
}
