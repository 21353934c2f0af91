package org.quaterion.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.cache.CacheConfig;
import org.quaterion.spark.SparkCacheJob;
import org.quaterion.spark.SparkCacheOptions;
import org.quaterion.spark.SparkCacheResult;

/** The only class of the tool that touches Spark types, so the tool runs without Spark until {@code --spark}. */
final class SparkCacheRunner {

    /** What the job wrote. */
    record Summary(long rows, long failed, int shards, double seconds) {}

    private SparkCacheRunner() {}

    static Summary run(Path model, String encoder, String input, String format, String keyColumn, String recordColumn,
            Path output, int batchSize, CacheConfig.Precision precision, int partitions, double maxFailureRate,
            String master) throws IOException {
        SparkCacheOptions options = new SparkCacheOptions(model, encoder, input, format, keyColumn, recordColumn,
                output, batchSize, precision, partitions, maxFailureRate, true);
        SparkCacheResult r = SparkCacheJob.runStandalone(options, master);
        return new Summary(r.rows(), r.failed(), r.shards(), r.seconds());
    }
}
