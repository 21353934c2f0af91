package org.quaterion.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress: on a terminal, one self-rewriting line on stderr (stage, epoch, step/total, loss, ETA);
 * otherwise (CI, redirected output) an slf4j INFO line at most every 10 seconds; and at each epoch end a summary
 * line ({@code epoch 3 done in 0:16: …}). Epochs are numbered from 1, as in metrics.csv and the checkpoint names.
 * Added by {@link TrainerConfig#withProgressBar}.
 */
public final class ProgressBar implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressBar.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final boolean enabled;
    private final boolean terminal;
    private final PrintStream err;
    private final Consumer<String> log;
    /** When the running stage (an epoch's training or its validation) started: its steps' ETA. */
    private long stageStart;
    private long lastLog;
    /** Running means of the metrics shown on the bar ({@code LogOptions.progressBar}) in the current stage. */
    private final Map<String, double[]> running = new java.util.LinkedHashMap<>();

    /** A progress display on the console, or in the log without one. */
    public ProgressBar() {
        this(true, System.console() != null, System.err, LOG::info);
    }

    /**
     * A progress display with explicit outputs.
     *
     * @param enabled whether anything is shown
     * @param terminal whether lines are rewritten on {@code err} (a console) or logged
     * @param err the console stream
     * @param log where lines go without a console
     */
    ProgressBar(boolean enabled, boolean terminal, PrintStream err, Consumer<String> log) {
        this.enabled = enabled;
        this.terminal = terminal;
        this.err = err;
        this.log = log;
    }

    /** A stage (training or validation) of an epoch starts. */
    void startStage() {
        running.clear();
        stageStart = System.nanoTime();
        lastLog = stageStart;
    }

    void step(String stage, int epoch, int step, int total, double loss) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        double perStep = (now - stageStart) / 1e9 / step;
        StringBuilder metrics = new StringBuilder();
        running.forEach((k, v) -> metrics.append(String.format(Locale.ROOT, " %s %.4f", k, v[0] / v[1])));
        String text = String.format(Locale.ROOT, "%s epoch %d %s %d/%d loss %.4f%s eta %s", stage, epoch,
                bar(step, total), step, total, loss, metrics, duration(perStep * (total - step)));
        if (terminal) {
            err.print("\r" + text + "   ");
            err.flush();
        } else if (now - lastLog >= LOG_INTERVAL_NANOS) {
            lastLog = now;
            log.accept(text);
        }
    }

    /**
     * The summary line of a finished epoch.
     *
     * @param epoch its number, from 1
     * @param values the epoch's row; its {@code epoch_seconds} (training and validation) is the time shown
     */
    void endEpoch(int epoch, Map<String, Double> values) {
        if (!enabled) {
            return;
        }
        Double seconds = values.get("epoch_seconds");
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "epoch %d done in %s:", epoch,
                duration(seconds != null ? seconds : (System.nanoTime() - stageStart) / 1e9)));
        values.forEach((k, v) -> {
            if (!k.equals("epoch")) {
                text.append(String.format(Locale.ROOT, " %s=%.5g", k, v));
            }
        });
        if (terminal) {
            err.print("\r");
            err.println(text);
        } else {
            log.accept(text.toString());
        }
    }

    @Override
    public int order() {
        return ORDER_EARLY + 1;
    }

    @Override
    public void onEpochStart(TrainingContext context) {
        startStage();
    }

    @Override
    public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
        batchEnd("train", context, batch);
    }

    @Override
    public void onValidationStart(TrainingContext context) {
        startStage();
    }

    @Override
    public void onValidationBatchEnd(TrainingContext context, BatchEnd batch) {
        batchEnd("validation", context, batch);
    }

    /** Counts the batch's records and redraws the stage's line. */
    private void batchEnd(String stage, TrainingContext context, BatchEnd batch) {
        accumulate(context, batch);
        step(stage, context.epoch(), batch.index() + 1, batch.batches(), batch.meanLoss());
    }

    private void accumulate(TrainingContext context, BatchEnd batch) {
        batch.metrics().forEach((k, v) -> {
            if (context.logOptions(k).progressBar()) {
                double[] sum = running.computeIfAbsent(k, x -> new double[2]);
                sum[0] += v * batch.size();
                sum[1] += batch.size();
            }
        });
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        endEpoch(context.epoch(), row);
    }

    private static String bar(int step, int total) {
        int width = 20;
        int filled = total == 0 ? width : (int) ((long) width * step / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    private static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public String toString() {
        return "ProgressBar";
    }
}
