package org.quaterion.spark.docs;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.quaterion.spark.SparkCacheJob;
import org.quaterion.spark.SparkCacheOptions;
import org.quaterion.spark.SparkCacheResult;

/** docs/scale-out.md, the Spark job (compiled here, where Spark is on the class path; checked by DocSnippetsTest). */
final class ScaleOutSparkJob {

    private ScaleOutSparkJob() {}

    static void run(SparkSession spark) throws Exception {
        // snippet-start
        SparkCacheOptions options = SparkCacheOptions.of(Path.of("/shared/models/minilm-servable"), "text",
                        "/shared/data/products.parquet", Path.of("/shared/caches/products-minilm"))
                .withColumns("product_id", "title")
                .withBatchSize(32)              // the trainer's fill batch: int8 models depend on it
                .withPartitions(2000);          // tasks = shards; 0 keeps the input's partitioning (no shuffle)
        SparkCacheResult result = SparkCacheJob.run(spark, options);
        // snippet-end
    }
}
