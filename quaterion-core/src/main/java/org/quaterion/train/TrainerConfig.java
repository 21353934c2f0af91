package org.quaterion.train;

import ai.djl.Device;
import java.nio.file.Path;

/**
 * How {@link Quaterion#fit} trains. Immutable; build with {@link #defaults()} and the
 * {@code with…} methods.
 *
 * @param maxEpochs epochs to run, or -1 for "until early stopping" (Quaterion's default; needs a validation loader)
 * @param seed seeds libtorch (initialisation, dropout: re-seeded with {@code seed + epoch} at each epoch start)
 * @param device the training device, or null for the engine's default
 * @param earlyStopping the early-stopping rule, or null for none
 * @param gradientClipNorm clip the global L2 norm of the gradients to this value (0 = no clipping)
 * @param schedule learning-rate factor per step
 * @param outputDir where metrics and checkpoints go, or null for nowhere
 * @param metricsFormat per-epoch metrics file format
 * @param checkpointEvery write a checkpoint every N epochs (0 = never; needs an output directory)
 * @param keepCheckpoints how many of the newest checkpoints to keep, at least 1
 * @param progressBar show a progress bar on stderr (log lines when stderr is not a terminal)
 * @param restoreBest load the weights of the best epoch (by the early-stopping monitor) when {@code fit} ends; null
 *     means the default: on when early stopping is on
 * @param allowResumeMismatch resume from a checkpoint written with another loss, miner, optimizer, seed or data size
 *     (refused by default)
 * @param gradCacheBatch GradCache mini-batch size: a training batch larger than this is embedded in mini-batches (0 =
 *     off; see {@link #withGradCache})
 * @param emaDecay decay of the exponential moving average of the weights (0 = off; see {@link #withEma})
 * @param tensorBoardDir where TensorBoard event files go, or null for none (see {@link #withTensorBoard})
 */
public record TrainerConfig(int maxEpochs, long seed, Device device, EarlyStopping earlyStopping,
        double gradientClipNorm, LearningRateSchedule schedule, Path outputDir, MetricsFormat metricsFormat,
        int checkpointEvery, int keepCheckpoints, boolean progressBar, Boolean restoreBest,
        boolean allowResumeMismatch, int gradCacheBatch, double emaDecay, Path tensorBoardDir) {

    /**
     * Quaterion's trainer defaults: train until early stopping on {@code validation_loss} (patience 3), seed 42,
     * the engine's default device, Adam from the model, no clipping, constant learning rate, progress bar on, no
     * output directory (so no checkpoints).
     *
     * @return the config
     */
    public static TrainerConfig defaults() {
        return new TrainerConfig(-1, 42, null, EarlyStopping.defaults(), 0, LearningRateSchedule.constant(), null,
                MetricsFormat.CSV, 0, 2, true, null, false, 0, 0, null);
    }

    /** The format of the per-epoch metrics file. */
    public enum MetricsFormat {
        /** {@code metrics.csv}. */
        CSV,
        /** {@code metrics.jsonl}. */
        JSONL
    }

    /** Validates the config. */
    public TrainerConfig {
        if (maxEpochs == 0 || maxEpochs < -1) {
            throw new IllegalArgumentException("maxEpochs must be >= 1, or -1 for until early stopping; got "
                    + maxEpochs);
        }
        if (gradientClipNorm < 0 || Double.isNaN(gradientClipNorm)) {
            throw new IllegalArgumentException("gradientClipNorm must be >= 0 (0 = off), got " + gradientClipNorm);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("emaDecay must be in [0, 1) (0 = off; e.g. 0.999), got " + emaDecay);
        }
        if (gradCacheBatch < 0) {
            throw new IllegalArgumentException("gradCacheBatch must be >= 0 (0 = off), got " + gradCacheBatch);
        }
        if (checkpointEvery < 0 || keepCheckpoints < 1) {
            throw new IllegalArgumentException("checkpointEvery must be >= 0 and keepCheckpoints >= 1");
        }
        if (checkpointEvery > 0 && outputDir == null) {
            throw new IllegalArgumentException("checkpoints need an output directory: call withOutputDir, or "
                    + "withCheckpointEvery(0)");
        }
        if (Boolean.TRUE.equals(restoreBest) && earlyStopping == null) {
            throw new IllegalArgumentException("restoreBest needs a monitored value to know which epoch is best: "
                    + "call withEarlyStopping(...) too, or withRestoreBest(false)");
        }
        if (schedule == null || metricsFormat == null) {
            throw new IllegalArgumentException("schedule and metricsFormat must not be null");
        }
    }

    /**
     * With a number of epochs.
     *
     * @param epochs at least 1, or -1
     * @return a new config
     */
    public TrainerConfig withMaxEpochs(int epochs) {
        return new TrainerConfig(epochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With a seed.
     *
     * @param newSeed the seed
     * @return a new config
     */
    public TrainerConfig withSeed(long newSeed) {
        return new TrainerConfig(maxEpochs, newSeed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With a device.
     *
     * @param newDevice the device
     * @return a new config
     */
    public TrainerConfig withDevice(Device newDevice) {
        return new TrainerConfig(maxEpochs, seed, newDevice, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With an early-stopping rule (null for none).
     *
     * @param rule the rule
     * @return a new config
     */
    public TrainerConfig withEarlyStopping(EarlyStopping rule) {
        return new TrainerConfig(maxEpochs, seed, device, rule, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With gradient clipping.
     *
     * @param maxNorm the largest global gradient norm (0 = off)
     * @return a new config
     */
    public TrainerConfig withGradientClipNorm(double maxNorm) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, maxNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With a learning-rate schedule.
     *
     * @param newSchedule the schedule
     * @return a new config
     */
    public TrainerConfig withSchedule(LearningRateSchedule newSchedule) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, newSchedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With an output directory (metrics file and, every epoch by default, checkpoints).
     *
     * @param dir the directory
     * @return a new config
     */
    public TrainerConfig withOutputDir(Path dir) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, dir,
                metricsFormat, dir == null ? 0 : Math.max(checkpointEvery, 1), keepCheckpoints, progressBar,
                restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With a metrics format.
     *
     * @param format CSV or JSONL
     * @return a new config
     */
    public TrainerConfig withMetricsFormat(MetricsFormat format) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                format, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With a checkpoint interval and retention.
     *
     * @param everyEpochs interval (0 = never)
     * @param keep newest checkpoints kept
     * @return a new config
     */
    public TrainerConfig withCheckpoints(int everyEpochs, int keep) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, everyEpochs, keep, progressBar, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With or without the progress bar.
     *
     * @param show whether to show it
     * @return a new config
     */
    public TrainerConfig withProgressBar(boolean show) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, show, restoreBest, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * With or without restoring the best epoch's weights at the end of {@code fit} (default: on when early stopping
     * is on). The best checkpoint is never pruned either way.
     *
     * @param restore whether to restore
     * @return a new config
     */
    public TrainerConfig withRestoreBest(boolean restore) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restore, allowResumeMismatch, gradCacheBatch, emaDecay, tensorBoardDir);
    }

    /**
     * GradCache (Gao et al.; sentence-transformers' {@code CachedMultipleNegativesRankingLoss}): a training batch
     * larger than {@code miniBatch} is embedded in mini-batches without a graph, the loss's gradient with respect to
     * the embeddings is taken once, and each mini-batch is run again with a graph to back-propagate its share. The
     * gradient equals the full batch's, while memory is that of one mini-batch: large in-batch-negative batches on a
     * trainable encoder. Dropout masks are replayed (each mini-batch re-seeded the same way in both passes). For
     * trainable encoders: with a frozen-encoder cache it is refused (nothing to save).
     *
     * @param miniBatch records per forward pass with a graph, at least 1 (0 turns it off)
     * @return a new config
     */
    public TrainerConfig withGradCache(int miniBatch) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch,
                miniBatch, emaDecay, tensorBoardDir);
    }

    /**
     * An exponential moving average of the trainable weights (timm's {@code ModelEmaV2}, PyTorch's
     * {@code AveragedModel} with an EMA function): after every applied optimizer step {@code ema ← decay · ema +
     * (1 − decay) · w}, starting from the weights at the start of the fit. Validation (loss, metrics, early stopping)
     * runs on the averaged weights, the best-epoch copy is of the averaged weights, and when {@code fit} ends the
     * model holds the averaged weights (or the best epoch's), so {@code saveServable} saves them. Checkpoints keep
     * both, and a resume continues both exactly.
     *
     * @param decay in (0, 1), e.g. 0.999 (about the last 1,000 steps); 0 turns it off
     * @return a new config
     */
    public TrainerConfig withEma(double decay) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch,
                gradCacheBatch, decay, tensorBoardDir);
    }

    /**
     * TensorBoard event files (as Quaterion gets from Lightning): the training loss of every step and every value of
     * the epoch table ({@code validation_loss}, metrics, {@code lr}) per epoch, at the global step, appended to an
     * {@code events.out.tfevents.*} file in {@code dir} while the fit runs ({@code tensorboard --logdir dir}).
     *
     * @param dir the log directory (created if missing), or null for none
     * @return a new config
     */
    public TrainerConfig withTensorBoard(Path dir) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allowResumeMismatch,
                gradCacheBatch, emaDecay, dir);
    }

    /**
     * Whether {@code fit} restores the best epoch's weights: {@link #restoreBest()} when set, else whether early
     * stopping is on.
     *
     * @return the effective setting
     */
    public boolean restoresBest() {
        return restoreBest != null ? restoreBest && earlyStopping != null : earlyStopping != null;
    }

    /**
     * Whether a resume may continue from a checkpoint written with another loss, miner, optimizer, seed or data size
     * (default: refused with the differences listed, since the continuation would not be the run it claims to be).
     *
     * @param allow true to allow, with a warning
     * @return a new config
     */
    public TrainerConfig withResumeMismatchAllowed(boolean allow) {
        return new TrainerConfig(maxEpochs, seed, device, earlyStopping, gradientClipNorm, schedule, outputDir,
                metricsFormat, checkpointEvery, keepCheckpoints, progressBar, restoreBest, allow, gradCacheBatch, emaDecay, tensorBoardDir);
    }
}
