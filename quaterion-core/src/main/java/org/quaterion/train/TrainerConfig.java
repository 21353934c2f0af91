package org.quaterion.train;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How {@link Quaterion#fit} trains: the loop's own settings (epochs, seed, device, clipping, schedule, the monitored
 * value, the step strategy) and a list of {@link Callback}s that do everything else (early stopping, best weights,
 * weight averages, progress, metrics file, TensorBoard, checkpoints, the report, your own). Immutable: start from
 * {@link #defaults()} and use the {@code with…} methods; the feature methods ({@link #withEma},
 * {@link #withCheckpoints}, …) add or replace the matching built-in callback.
 */
public final class TrainerConfig {

    /** The format of the per-epoch metrics file. */
    public enum MetricsFormat {
        /** {@code metrics.csv}. */
        CSV,
        /** {@code metrics.jsonl}. */
        JSONL
    }

    private OptionalInt maxEpochs = OptionalInt.empty();
    private long seed = 42;
    private Device device;
    private OptionalDouble gradientClipNorm = OptionalDouble.empty();
    private LearningRateSchedule schedule = LearningRateSchedule.constant();
    private Path outputDir;
    private Monitor monitor;
    private OptionalInt gradCacheBatch = OptionalInt.empty();
    private boolean allowResumeMismatch;
    private List<Callback> callbacks = List.of();

    private TrainerConfig() {}

    /**
     * Quaterion's trainer defaults: train until early stopping on {@code validation_loss} (patience 3) and restore
     * the best epoch's weights, seed 42, the engine's default device, no clipping, constant learning rate, progress
     * bar on, no output directory (so no metrics file, checkpoints or report).
     *
     * @return the config
     */
    public static TrainerConfig defaults() {
        return new TrainerConfig().withEarlyStopping(EarlyStopping.defaults()).withRestoreBest(true)
                .withProgressBar(true);
    }

    private TrainerConfig with(Consumer<TrainerConfig> change) {
        TrainerConfig c = copy();
        change.accept(c);
        return c;
    }

    private TrainerConfig copy() {
        TrainerConfig c = new TrainerConfig();
        c.maxEpochs = maxEpochs;
        c.seed = seed;
        c.device = device;
        c.gradientClipNorm = gradientClipNorm;
        c.schedule = schedule;
        c.outputDir = outputDir;
        c.monitor = monitor;
        c.gradCacheBatch = gradCacheBatch;
        c.allowResumeMismatch = allowResumeMismatch;
        c.callbacks = callbacks;
        return c;
    }

    /**
     * Epochs to run.
     *
     * @return the count, or empty for "until a callback stops the run" (early stopping)
     */
    public OptionalInt maxEpochs() {
        return maxEpochs;
    }

    /**
     * The seed of libtorch (initialisation, dropout: re-seeded with {@code seed + epoch} at each epoch start) and of
     * the step strategy.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The training device.
     *
     * @return the device, or null for the engine's default
     */
    public Device device() {
        return device;
    }

    /**
     * The largest global L2 norm of the gradients; larger ones are scaled down to it.
     *
     * @return the norm, or empty for no clipping
     */
    public OptionalDouble gradientClipNorm() {
        return gradientClipNorm;
    }

    /**
     * The learning-rate factor per step.
     *
     * @return the schedule
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /**
     * Where the metrics file, checkpoints and report go.
     *
     * @return the directory, or null for nowhere
     */
    public Path outputDir() {
        return outputDir;
    }

    /**
     * The epoch value that defines the best epoch (for early stopping, best weights, checkpoint retention).
     *
     * @return the monitor, empty when nothing is monitored
     */
    public Optional<Monitor> monitor() {
        return Optional.ofNullable(monitor);
    }

    /**
     * The GradCache mini-batch size: a training batch larger than this is embedded in mini-batches.
     *
     * @return the size, or empty for plain steps
     */
    public OptionalInt gradCacheBatch() {
        return gradCacheBatch;
    }

    /**
     * Whether a resume may use a checkpoint written with another loss, miner, optimizer, seed or data size.
     *
     * @return false by default
     */
    public boolean allowsResumeMismatch() {
        return allowResumeMismatch;
    }

    /**
     * The callbacks, in the order added (the trainer runs them by {@link Callback#order()}, then this order).
     *
     * @return an unmodifiable list
     */
    public List<Callback> callbacks() {
        return callbacks;
    }

    /**
     * The first callback of a type.
     *
     * @param type the callback class
     * @param <C> the type
     * @return the callback, if there is one
     */
    public <C extends Callback> Optional<C> callback(Class<C> type) {
        return callbacks.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * With a number of epochs.
     *
     * @param epochs at least 1
     * @return a new config
     */
    public TrainerConfig withMaxEpochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("maxEpochs must be >= 1, got " + epochs + "; to train until early "
                    + "stopping, call untilStopped()");
        }
        return with(c -> c.maxEpochs = OptionalInt.of(epochs));
    }

    /**
     * Without an epoch limit: the run ends when a callback stops it (early stopping needs a validation loader).
     *
     * @return a new config
     */
    public TrainerConfig untilStopped() {
        return with(c -> c.maxEpochs = OptionalInt.empty());
    }

    /**
     * With a seed.
     *
     * @param newSeed the seed
     * @return a new config
     */
    public TrainerConfig withSeed(long newSeed) {
        return with(c -> c.seed = newSeed);
    }

    /**
     * With a device.
     *
     * @param newDevice the device, or null for the engine's default
     * @return a new config
     */
    public TrainerConfig withDevice(Device newDevice) {
        return with(c -> c.device = newDevice);
    }

    /**
     * With gradient clipping.
     *
     * @param maxNorm the largest global gradient norm, &gt; 0
     * @return a new config
     */
    public TrainerConfig withGradientClipNorm(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("gradientClipNorm must be finite and > 0, got " + maxNorm
                    + "; call withoutGradientClipping() for none");
        }
        return with(c -> c.gradientClipNorm = OptionalDouble.of(maxNorm));
    }

    /**
     * Without gradient clipping.
     *
     * @return a new config
     */
    public TrainerConfig withoutGradientClipping() {
        return with(c -> c.gradientClipNorm = OptionalDouble.empty());
    }

    /**
     * With a learning-rate schedule.
     *
     * @param newSchedule the schedule
     * @return a new config
     */
    public TrainerConfig withSchedule(LearningRateSchedule newSchedule) {
        if (newSchedule == null) {
            throw new IllegalArgumentException("the schedule must not be null; use LearningRateSchedule.constant()");
        }
        return with(c -> c.schedule = newSchedule);
    }

    /**
     * With the monitored value that defines the best epoch.
     *
     * @param newMonitor the monitor, or null for none (removes early stopping and best-weights restore, which need
     *     it)
     * @return a new config
     */
    public TrainerConfig withMonitor(Monitor newMonitor) {
        TrainerConfig c = copy();
        c.monitor = newMonitor;
        if (newMonitor == null) {
            c.callbacks = without(c.callbacks, cb -> cb instanceof EarlyStopping || cb instanceof RestoreBestWeights);
        }
        return c;
    }

    /**
     * With an early-stopping rule: monitors its value and stops after {@code patience} epochs without improvement.
     *
     * @param rule the rule, or null for none (then nothing is monitored, and the best weights are not restored)
     * @return a new config
     */
    public TrainerConfig withEarlyStopping(EarlyStopping rule) {
        if (rule == null) {
            return withMonitor(null);
        }
        TrainerConfig c = withMonitor(rule.monitorRule());
        return c.replacing(EarlyStopping.class, rule);
    }

    /**
     * Restores the best epoch's weights (by the monitored value) when the fit ends ({@link RestoreBestWeights}).
     *
     * @param restore whether to restore
     * @return a new config
     */
    public TrainerConfig withRestoreBest(boolean restore) {
        if (restore && monitor == null) {
            throw new IllegalArgumentException("restoring the best weights needs a monitored value to know which "
                    + "epoch is best: call withEarlyStopping(...) or withMonitor(...) first, or withRestoreBest(false)");
        }
        return replacing(RestoreBestWeights.class, restore ? new RestoreBestWeights() : null);
    }

    /**
     * Shows a progress bar on stderr, or log lines when stderr is not a terminal ({@link ProgressBar}).
     *
     * @param show whether to show it
     * @return a new config
     */
    public TrainerConfig withProgressBar(boolean show) {
        return replacing(ProgressBar.class, show ? new ProgressBar() : null);
    }

    /**
     * With an output directory: adds a metrics file ({@link MetricsFile}), checkpoints every epoch keeping 2
     * ({@link Checkpointing}) and the HTML report ({@link HtmlReport}) unless they are configured already; null
     * removes them.
     *
     * @param dir the directory, or null
     * @return a new config
     */
    public TrainerConfig withOutputDir(Path dir) {
        TrainerConfig c = copy();
        c.outputDir = dir;
        if (dir == null) {
            c.callbacks = without(c.callbacks, cb -> cb instanceof MetricsFile || cb instanceof Checkpointing
                    || cb instanceof HtmlReport);
            return c;
        }
        if (c.callback(MetricsFile.class).isEmpty()) {
            c = c.withCallback(new MetricsFile(MetricsFormat.CSV));
        }
        if (c.callback(Checkpointing.class).isEmpty()) {
            c = c.withCallback(new Checkpointing(1, 2));
        }
        if (c.callback(HtmlReport.class).isEmpty()) {
            c = c.withCallback(new HtmlReport());
        }
        return c;
    }

    /**
     * With the metrics file's format (needs an output directory).
     *
     * @param format CSV or JSONL
     * @return a new config
     */
    public TrainerConfig withMetricsFormat(MetricsFormat format) {
        requireOutput("a metrics file");
        return replacing(MetricsFile.class, new MetricsFile(format));
    }

    /**
     * With checkpoints (needs an output directory).
     *
     * @param everyEpochs write one every N epochs (and at the best, the last and a stopped epoch), at least 1
     * @param keep how many of the newest to keep (the best is kept too), at least 1
     * @return a new config
     */
    public TrainerConfig withCheckpoints(int everyEpochs, int keep) {
        requireOutput("checkpoints");
        return replacing(Checkpointing.class, new Checkpointing(everyEpochs, keep));
    }

    /**
     * Without checkpoints (the metrics file and the report stay).
     *
     * @return a new config
     */
    public TrainerConfig withoutCheckpoints() {
        return replacing(Checkpointing.class, null);
    }

    /**
     * Keeps an exponential moving average of the weights ({@link ExponentialMovingAverage}): validation, the best
     * weights and the final model use the average.
     *
     * @param decay in (0, 1), e.g. 0.999
     * @return a new config
     */
    public TrainerConfig withEma(double decay) {
        return replacing(WeightAveraging.class, new ExponentialMovingAverage(decay));
    }

    /**
     * Writes TensorBoard scalars ({@link TensorBoardLogger}).
     *
     * @param dir the log directory, or null for none
     * @return a new config
     */
    public TrainerConfig withTensorBoard(Path dir) {
        return replacing(TensorBoardLogger.class, dir == null ? null : new TensorBoardLogger(dir));
    }

    /**
     * Embeds training batches larger than {@code miniBatch} in mini-batches with GradCache (Gao et al. 2021):
     * contrastive losses over large batches with the memory of small ones, for trainable encoders.
     *
     * @param miniBatch records per mini-batch, at least 1
     * @return a new config
     */
    public TrainerConfig withGradCache(int miniBatch) {
        if (miniBatch < 1) {
            throw new IllegalArgumentException("the GradCache mini-batch must be >= 1, got " + miniBatch
                    + "; call withoutGradCache() for plain steps");
        }
        return with(c -> c.gradCacheBatch = OptionalInt.of(miniBatch));
    }

    /**
     * Plain steps: each batch is embedded at once.
     *
     * @return a new config
     */
    public TrainerConfig withoutGradCache() {
        return with(c -> c.gradCacheBatch = OptionalInt.empty());
    }

    /**
     * Allows resuming from a checkpoint written with another loss, miner, optimizer, seed or data size.
     *
     * @param allow whether to allow it
     * @return a new config
     */
    public TrainerConfig withResumeMismatchAllowed(boolean allow) {
        return with(c -> c.allowResumeMismatch = allow);
    }

    /**
     * With one more callback.
     *
     * @param callback the callback; its {@link Callback#name()} must differ from the others'
     * @return a new config
     */
    public TrainerConfig withCallback(Callback callback) {
        if (callback == null) {
            throw new IllegalArgumentException("the callback must not be null");
        }
        for (Callback c : callbacks) {
            if (c.name().equals(callback.name())) {
                throw new IllegalArgumentException("two callbacks named '" + callback.name() + "' (" + c + " and "
                        + callback + "): checkpoints key their state by name; override name() in one of them");
            }
        }
        List<Callback> list = new ArrayList<>(callbacks);
        list.add(callback);
        return with(c -> c.callbacks = List.copyOf(list));
    }

    /**
     * With more callbacks, in order.
     *
     * @param more the callbacks (see {@link #withCallback})
     * @return a new config
     */
    public TrainerConfig withCallbacks(List<? extends Callback> more) {
        TrainerConfig c = this;
        for (Callback callback : more) {
            c = c.withCallback(callback);
        }
        return c;
    }

    /**
     * Without the callbacks of a type.
     *
     * @param type the callback class (a built-in or your own)
     * @return a new config
     */
    public TrainerConfig withoutCallback(Class<? extends Callback> type) {
        return with(c -> c.callbacks = without(callbacks, type::isInstance));
    }

    private TrainerConfig replacing(Class<?> type, Callback replacement) {
        TrainerConfig c = copy();
        List<Callback> list = new ArrayList<>(callbacks);
        int at = -1;
        for (int i = 0; i < list.size(); i++) {
            if (type.isInstance(list.get(i))) {
                at = i;
                break;
            }
        }
        list.removeIf(type::isInstance);
        if (replacement != null) {
            list.add(at < 0 ? list.size() : at, replacement);
        }
        c.callbacks = List.copyOf(list);
        return c;
    }

    private void requireOutput(String what) {
        if (outputDir == null) {
            throw new IllegalArgumentException(what + " need an output directory: call withOutputDir first");
        }
    }

    private static List<Callback> without(List<Callback> list, Predicate<Callback> drop) {
        return list.stream().filter(drop.negate()).toList();
    }

    @Override
    public String toString() {
        return "TrainerConfig[maxEpochs=" + (maxEpochs.isPresent() ? maxEpochs.getAsInt() : "until stopped")
                + ", seed=" + seed + ", device=" + device + ", gradientClipNorm=" + gradientClipNorm + ", schedule="
                + schedule + ", outputDir=" + outputDir + ", monitor=" + monitor + ", gradCacheBatch=" + gradCacheBatch
                + ", callbacks=" + callbacks.stream().map(Callback::name).toList() + "]";
    }
}
