package org.quaterion.spark;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link SparkCacheJob} run wrote.
 *
 * @param output the cache directory
 * @param rows records cached
 * @param failed records whose encoding failed (all listed in {@code failures.jsonl} in the cache directory)
 * @param failures the first failures, for messages
 * @param shards shards written
 * @param seconds wall-clock time of the job
 */
public record SparkCacheResult(Path output, long rows, long failed, List<RecordFailure> failures, int shards,
        double seconds) {

    /** Copies the list. */
    public SparkCacheResult {
        failures = List.copyOf(failures);
    }
}
