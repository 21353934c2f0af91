package org.quaterion.train;

import java.util.List;
import java.util.Map;

/**
 * Writes one row per epoch to {@code metrics.csv} or {@code metrics.jsonl} in the output directory. On resume the
 * file is rewritten with the checkpoint's history, so rows of epochs after the checkpoint are dropped, not
 * duplicated. Added by {@link TrainerConfig#withOutputDir}; {@link TrainerConfig#withMetricsFormat} picks the format.
 */
public final class MetricsFile implements Callback {

    private final TrainerConfig.MetricsFormat format;
    private MetricsLog log;

    /**
     * A metrics file.
     *
     * @param format CSV or JSONL
     */
    public MetricsFile(TrainerConfig.MetricsFormat format) {
        if (format == null) {
            throw new IllegalArgumentException("the metrics format must not be null");
        }
        this.format = format;
    }

    /**
     * The file's name in the output directory.
     *
     * @return {@code metrics.csv} or {@code metrics.jsonl}
     */
    public String fileName() {
        return format == TrainerConfig.MetricsFormat.CSV ? "metrics.csv" : "metrics.jsonl";
    }

    @Override
    public void onFitStart(TrainingContext context) {
        if (context.outputDir().isEmpty()) {
            throw new IllegalArgumentException("a metrics file needs an output directory: call withOutputDir");
        }
        log = null;
        List<Map<String, Double>> history = context.history();
        if (!history.isEmpty()) {
            log = new MetricsLog(context.outputDir().get().resolve(fileName()), format, columns(context,
                    history.get(0)));
            log.rewrite(history);
        }
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        if (log == null) {
            log = new MetricsLog(context.outputDir().orElseThrow().resolve(fileName()), format, columns(context,
                    row));
        }
        log.append(row);
    }

    /** The row's keys, less the attached metrics whose log options keep them out of files. */
    private static List<String> columns(TrainingContext context, Map<String, Double> row) {
        return row.keySet().stream().filter(k -> context.logOptions(k).logger()).toList();
    }

    @Override
    public void close() {
        log = null;
    }

    @Override
    public String toString() {
        return "MetricsFile{" + fileName() + "}";
    }
}
