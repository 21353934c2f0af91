package org.quaterion.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.MultiDatasetLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.eval.AttachedMetric.Stage;
import org.quaterion.state.Stateful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop behind {@link Quaterion#fit}: epochs of steps and validation, with callbacks around each event.
 * Everything else (early stopping, best weights, averages, files, checkpoints) is a {@link Callback}.
 */
final class Trainer<T> extends LoopState {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final SimilarityDataLoader<?, ?> train;
    private final SimilarityDataLoader<?, ?> validation;
    private final ModelCache<T> cache;
    private final StepStrategy strategy;
    private final LossComputation<T> losses;
    private final BatchPrompts prompts;
    /** The class of the records seen in batches (null while every encoder is cached). */
    private String recordType;
    private long skippedSteps;

    Trainer(TrainableModel<T> trainable, TrainerConfig config, SimilarityDataLoader<?, ?> train,
            SimilarityDataLoader<?, ?> validation, ModelCache<T> cache) {
        super(trainable, config, TrainingRecord.start(trainable, config, train, validation));
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: every encoder is frozen and the head has no "
                    + "parameters; use a trainable head (e.g. SkipConnectionHead) or a trainable encoder");
        }
        parameters.values().stream().filter(p -> !p.hasGradient()).forEach(p -> p.setRequiresGradient(true));
        this.train = train;
        this.validation = validation;
        this.cache = cache;
        this.strategy = StepStrategy.of(config);
        this.losses = new LossComputation<>(trainable);
        this.prompts = new BatchPrompts(model.prompts());
    }

    FitResult run(Path resumeFrom) throws IOException {
        try {
            if (resumeFrom != null) {
                resume(resumeFrom);
            }
            for (Callback c : callbacks) {
                c.onFitStart(this);
                restorePending(c.name(), c instanceof Stateful s ? s : null);
            }
            boolean interrupted = false;
            while ((config.maxEpochs().isEmpty() || completed < config.maxEpochs().getAsInt()) && stopReason == null) {
                interrupted = !runEpoch();
            }
            String stoppedBy = interrupted ? "interrupted (" + stopReason + ")" : stopReason != null ? stopReason
                    : "max epochs";
            if (stopReason != null) {
                LOG.info("stopped after epoch {}: {}", completed, stoppedBy);
            }
            fire(c -> c.onFitEnd(this, stoppedBy));
            return result(interrupted);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            callbacks.forEach(Callback::close);
        }
    }

    /** Runs one epoch; false when a stop request ended it early (the epoch is not recorded). */
    private boolean runEpoch() {
        Engine.getInstance().setRandomSeed((int) (config.seed() + completed));
        epochEnded = false;
        long start = System.nanoTime();
        fire(c -> c.onEpochStart(this));
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", (double) epoch());
        Map<String, double[]> sums = new LinkedHashMap<>();
        int firstStep = stepLosses.size();
        trainable.trainLosses(true);
        double trainLoss = runStage(train, Stage.TRAIN, sums);
        warnIfNothingLearned(firstStep);
        if (stopReason != null) {
            LOG.info("stop requested: epoch {} ended after step {} and is not recorded", epoch(), globalStep);
            return false;
        }
        row.put("global_step", (double) globalStep);
        row.put("lr", learningRate(Math.max(0, globalStep - 1)));
        row.put("train_loss", trainLoss);
        if (validation != null) {
            trainable.trainLosses(false);
            fire(c -> c.onValidationStart(this));
            Map<String, double[]> validationSums = new LinkedHashMap<>();
            double loss = runStage(validation, Stage.VALIDATION, validationSums);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("validation_loss", loss);
            validationSums.forEach((k, v) -> {
                if (logOptions(k).onEpoch()) {
                    metrics.put(k, v[0] / v[1]);
                }
            });
            fire(c -> c.onValidationEnd(this, Map.copyOf(metrics)));
            row.put("validation_loss", loss);
            sums.putAll(validationSums);
        }
        sums.forEach((k, v) -> {
            if (logOptions(k).onEpoch()) {
                row.put(k, v[0] / v[1]);
            }
        });
        openRow = row;
        try {
            fire(c -> c.beforeEpochEnd(this));
        } finally {
            openRow = null;
        }
        row.put("epoch_seconds", (System.nanoTime() - start) / 1e9);
        endEpoch(row);
        fire(c -> c.onEpochEnd(this, java.util.Collections.unmodifiableMap(row)));
        return true;
    }

    private double runStage(SimilarityDataLoader<?, ?> loader, Stage stage, Map<String, double[]> metricSums) {
        double lossSum = 0;
        long samples = 0;
        Iterator<?> batches = batches(loader, completed);
        List<String> schedule = loader instanceof MultiDatasetLoader<?> multi ? multi.schedule(completed) : null;
        try {
            for (int index = 0; batches.hasNext(); index++) {
                Batch<T> batch = next(batches);
                String dataset = schedule == null ? null : schedule.get(index);
                if (recordType == null && batch.records() != null && !batch.records().isEmpty()) {
                    recordType = batch.records().get(0).getClass().getName();
                }
                Map<String, Double> metrics = new LinkedHashMap<>();
                boolean[] updated = {false};
                double loss = step(batch, dataset, loader, index, stage, metrics, updated);
                if (dataset != null) { // averaged over the dataset's batches only, as metrics are over theirs
                    metrics.put(stage.key() + "_loss/" + dataset, loss);
                }
                metrics.forEach((k, v) -> {
                    double[] acc = metricSums.computeIfAbsent(k, x -> new double[2]);
                    acc[0] += v * batch.size();
                    acc[1] += batch.size();
                });
                lossSum += loss * batch.size();
                samples += batch.size();
                Callback.BatchEnd end = new Callback.BatchEnd(index, loader.batchesPerEpoch(), batch.size(), loss,
                        lossSum / samples, metrics, updated[0]);
                fire(c -> {
                    if (stage == Stage.TRAIN) {
                        c.onTrainBatchEnd(this, end);
                    } else {
                        c.onValidationBatchEnd(this, end);
                    }
                });
                if (stage == Stage.TRAIN && trainable.stopRequested() && stopReason == null) {
                    requestStop("stop requested");
                }
                if (stage == Stage.TRAIN && stopReason != null) {
                    break;
                }
            }
        } finally {
            close(batches);
        }
        if (samples == 0) {
            throw new IllegalArgumentException("the " + stage.key() + " loader produced no batch in epoch " + epoch()
                    + "; check its batch size, dropLast and batch sampler");
        }
        return lossSum / samples;
    }

    private double step(Batch<T> batch, String dataset, SimilarityDataLoader<?, ?> loader, int index, Stage stage,
            Map<String, Double> metrics, boolean[] updated) {
        boolean training = stage == Stage.TRAIN;
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            NDArray embeddings;
            double value;
            if (training) {
                StepStrategy.Result r = strategy.step(batch.records(), config.seed() * 1_000_003L + 7919L * globalStep,
                        () -> forward(batch, loader, manager, true), records -> typedModel().forward(records, manager,
                                true), e -> losses.of(dataset, batch, e, manager), l -> checkFinite(l, stage));
                embeddings = r.embeddings();
                value = checkFinite(r.loss(), stage);
                updated[0] = applyGradients(value);
                stepLosses.add(value);
                globalStep++;
            } else {
                embeddings = forward(batch, loader, manager, false);
                value = checkFinite(losses.of(dataset, batch, embeddings, manager), stage);
            }
            NDArray detached = embeddings.stopGradient();
            for (AttachedMetric m : trainable.metrics()) {
                if (m.runsIn(stage)) {
                    metrics.put(m.key(stage), m.metric().compute(LossComputation.sample(batch, detached)));
                }
            }
            typedTrainable().processResults(detached, batch, index, stage);
            return value;
        }
    }

    /** Clips, then lets the optimizer update unless a gradient is not finite; gradients are zeroed either way. */
    private boolean applyGradients(double loss) {
        boolean finite = Gradients.clip(parameters, config.gradientClipNorm());
        if (finite) {
            fire(c -> c.beforeOptimizerStep(this));
            trainable.optimizer().step(parameters, learningRate(globalStep));
            fire(c -> c.afterOptimizerStep(this));
        } else {
            skippedSteps++;
            LOG.warn("step {}: non-finite gradients (loss {}); the update is skipped ({} so far). Lower the learning "
                    + "rate or clip gradients (withGradientClipNorm) if this repeats", globalStep, loss, skippedSteps);
        }
        Gradients.zero(parameters, finite);
        return finite;
    }

    @Override
    public double learningRate() {
        return learningRate(globalStep);
    }

    private double learningRate(long step) {
        long total = config.maxEpochs().isEmpty() ? -1 : (long) config.maxEpochs().getAsInt()
                * train.batchesPerEpoch();
        double f = config.schedule().factor(step, total);
        if (!(f >= 0) || Double.isInfinite(f)) {
            throw new IllegalStateException("the learning-rate schedule returned factor " + f + " at step " + step
                    + "; a schedule must return a finite factor >= 0 (1 = the base rate)");
        }
        return trainable.optimizer().learningRate() * f * learningRateFactor;
    }

    @Override
    public int batchesPerEpoch() {
        return train.batchesPerEpoch();
    }

    @Override
    public void embedBatches(BiPredicate<Batch<?>, NDArray> visitor) {
        SimilarityDataLoader<?, ?> loader = validation != null ? validation : train;
        Iterator<?> batches = batches(loader, 0);
        try {
            boolean more = true;
            while (more && batches.hasNext()) {
                Batch<T> batch = next(batches);
                try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                    more = visitor.test(batch, forward(batch, loader, manager, false));
                }
            }
        } finally {
            close(batches);
        }
    }

    private FitResult result(boolean interrupted) {
        Path last = config.callback(Checkpointing.class).map(Checkpointing::lastCheckpoint).orElse(null);
        Path bestCheckpoint = bestEpoch == 0 || config.callback(Checkpointing.class).isEmpty() ? null
                : Checkpoint.directory(config.outputDir(), bestEpoch);
        if (bestCheckpoint != null && !Files.isDirectory(bestCheckpoint)) {
            bestCheckpoint = null;
        }
        boolean restored = config.callback(RestoreBestWeights.class).map(r -> r.capturedEpoch() > 0).orElse(false);
        FitResult result = new FitResult(history.stream().map(EpochResult::of).toList(), List.copyOf(stepLosses),
                stopReason != null && !interrupted, last, bestEpoch, bestCheckpoint, restored, interrupted);
        trainable.recordTraining(TrainingRecord.finish(record, history.size(), interrupted ? "interrupted"
                : stopReason != null ? "early_stopping" : "max_epochs", result.bestEpoch(), result.bestValues(),
                recordType != null ? recordType : cache != null ? cache.recordType() : null));
        return result;
    }

    /**
     * An epoch's batches: label-only ones from the cache when it skips records, else the loader's, their records with
     * the prompts of their roles.
     */
    private Iterator<?> batches(SimilarityDataLoader<?, ?> loader, int epoch) {
        return prompts.apply(cache == null ? loader.epoch(epoch) : cache.batches(loader, epoch));
    }

    private NDArray forward(Batch<T> batch, SimilarityDataLoader<?, ?> loader, NDManager manager, boolean training) {
        return cache == null ? typedModel().forward(batch.records(), manager, training)
                : cache.forward(batch, loader, completed, manager, training);
    }

    @SuppressWarnings("unchecked")
    private org.quaterion.models.SimilarityModel<T> typedModel() {
        return (org.quaterion.models.SimilarityModel<T>) model;
    }

    @SuppressWarnings("unchecked")
    private TrainableModel<T> typedTrainable() {
        return (TrainableModel<T>) trainable;
    }

    /** Stops a batch stream's prefetch thread, if it has one. */
    private static void close(Iterator<?> batches) {
        if (batches instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the batch stream failed", e);
            }
        }
    }

    /** The next batch; the loaders' batch type is tied to the model's record type by {@code Quaterion.fit}. */
    @SuppressWarnings("unchecked")
    private static <T> Batch<T> next(Iterator<?> batches) {
        return (Batch<T>) batches.next();
    }
}
