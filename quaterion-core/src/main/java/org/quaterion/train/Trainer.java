package org.quaterion.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupBatch;
import org.quaterion.dataset.PairBatch;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.eval.AttachedMetric.Stage;
import org.quaterion.eval.EmbeddedSample;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.tensor.Scalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The training loop behind {@link Quaterion#fit}: epochs, steps, validation, early stopping, checkpoints. */
final class Trainer<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainableModel<T> trainable;
    private final TrainerConfig config;
    private final SimilarityDataLoader<?, ?> train;
    private final SimilarityDataLoader<?, ?> validation;
    private final SimilarityModel<T> model;
    private final Map<String, NDArray> parameters;
    private final ProgressBar progress;
    private final ModelCache<T> cache;
    private final List<Double> stepLosses = new ArrayList<>();
    private final List<Map<String, Double>> history = new ArrayList<>();
    /** The class of the records seen in batches (null while every encoder is cached). */
    private String recordType;
    private XbmBuffer xbm;
    private long globalStep;
    private long skippedSteps;
    /**
     * Epochs completed. Users read epochs counted from 1 (the progress lines, metrics.csv, the report, checkpoint
     * {@code epoch-0003} holding the weights after epoch 3), so the epoch running is number {@code epoch + 1}; the
     * 0-based value only seeds shuffling and dropout.
     */
    private int epoch;
    private double best = Double.NaN;
    private int badEpochs;
    private boolean interrupted;
    private boolean warnedNothingLearned;
    /** Completed epochs at the best monitored value; 0 when none yet. */
    private int bestEpoch;
    /** The best epoch's weights, kept when {@link TrainerConfig#restoresBest()}. */
    private BestWeights bestWeights;
    /** The weights' moving average (withEma), or null. */
    private WeightAverage ema;
    /** When this fit started (for the report's wall time). */
    private long fitStart;
    /** TensorBoard scalars (withTensorBoard), or null. */
    private TensorBoardWriter tensorBoard;
    /** How this run is set up, recorded in checkpoints and the servable. */
    private JsonObject record;

    Trainer(TrainableModel<T> trainable, TrainerConfig config, SimilarityDataLoader<?, ?> train,
            SimilarityDataLoader<?, ?> validation, ModelCache<T> cache) {
        this.trainable = trainable;
        this.cache = cache;
        this.config = config;
        this.train = train;
        this.validation = validation;
        this.model = trainable.model();
        this.parameters = trainable.trainableParameters();
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: every encoder is frozen and the head has no "
                    + "parameters; use a trainable head (e.g. SkipConnectionHead) or a trainable encoder");
        }
        for (NDArray p : parameters.values()) {
            if (!p.hasGradient()) {
                p.setRequiresGradient(true);
            }
        }
        this.progress = new ProgressBar(config.progressBar());
    }

    FitResult run(Path resumeFrom) throws IOException {
        fitStart = System.nanoTime();
        if (config.restoresBest()) {
            bestWeights = new BestWeights(model.manager());
        }
        record = TrainingRecord.start(trainable, config, train, validation);
        if (config.emaDecay() > 0) {
            ema = new WeightAverage(model.manager(), config.emaDecay(), parameters);
        }
        if (resumeFrom != null) {
            resume(resumeFrom);
        }
        XbmConfig xbmConfig = trainable.xbm();
        if (xbmConfig != null && xbm == null) {
            xbm = new XbmBuffer(model.manager(), xbmConfig.bufferSize(), model.embeddingSize(), model.dataType());
        }
        if (config.tensorBoardDir() != null) {
            tensorBoard = TensorBoardWriter.open(config.tensorBoardDir());
            LOG.info("TensorBoard events: {}", tensorBoard.file());
        }
        MetricsLog log = config.outputDir() == null ? null
                : new MetricsLog(config.outputDir(), config.metricsFormat(), columns());
        if (log != null && resumeFrom != null) {
            log.rewrite(history); // rows of epochs after the checkpoint are dropped, not duplicated
        }
        boolean stopped = false;
        Path lastCheckpoint = null;
        try {
            while ((config.maxEpochs() < 0 || epoch < config.maxEpochs()) && !interrupted) {
                Engine.getInstance().setRandomSeed((int) (config.seed() + epoch));
                long epochStart = System.nanoTime();
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("epoch", (double) (epoch + 1));
                Map<String, double[]> sums = new LinkedHashMap<>();
                int firstStep = stepLosses.size();
                double trainLoss = runEpoch(train, true, sums);
                warnIfNothingLearned(firstStep);
                if (interrupted) {
                    LOG.info("stop requested: epoch {} ended after step {} and is not recorded; {} epoch(s) "
                            + "completed", epoch + 1, globalStep, epoch);
                    break;
                }
                row.put("global_step", (double) globalStep);
                row.put("lr", trainable.optimizer().learningRate() * factor(Math.max(0, globalStep - 1)));
                row.put("train_loss", trainLoss);
                if (validation != null) {
                    // with an EMA, validation (and so early stopping and the best copy) is of the averaged weights
                    row.put("validation_loss", ema == null ? runEpoch(validation, false, sums)
                            : ema.swappedIn(parameters, () -> runEpoch(validation, false, sums)));
                }
                sums.forEach((k, v) -> row.put(k, v[0] / v[1]));
                row.put("epoch_seconds", (System.nanoTime() - epochStart) / 1e9);
                history.add(row);
                progress.endEpoch(epoch + 1, row);
                for (Map.Entry<String, Double> e : row.entrySet()) {
                    if (!e.getKey().equals("epoch") && !e.getKey().equals("global_step")) {
                        logScalar(e.getKey(), e.getValue());
                    }
                }
                if (log != null) {
                    log.append(row);
                }
                epoch++;
                stopped = earlyStop(row);
                boolean improved = bestEpoch == epoch;
                if (improved && bestWeights != null) {
                    bestWeights.capture(ema != null ? ema.values() : parameters);
                }
                if (config.checkpointEvery() > 0 && (epoch % config.checkpointEvery() == 0 || stopped || improved
                        || epoch == config.maxEpochs())) {
                    lastCheckpoint = checkpoint();
                }
                if (stopped) {
                    LOG.info("early stopping after epoch {}: {} did not improve for {} epochs (best {} at epoch {})",
                            epoch, config.earlyStopping().monitor(), badEpochs, best, bestEpoch);
                    break;
                }
            }
            if (config.outputDir() != null) {
                try {
                    writeReport(interrupted ? "interrupted (stop requested)" : stopped ? "early stopping ("
                            + config.earlyStopping().monitor() + " did not improve for " + badEpochs + " epochs)"
                            : "max epochs");
                } catch (RuntimeException e) {
                    // the report is a convenience: it never fails a finished training run
                    LOG.warn("could not write report.html: {}", e.toString());
                }
            }
            restoreBest();
        } finally {
            if (xbm != null) {
                xbm.close();
                xbm = null;
            }
            if (bestWeights != null) {
                bestWeights.close();
                bestWeights = null;
            }
            if (ema != null) {
                ema.close();
                ema = null;
            }
            if (tensorBoard != null) {
                try {
                    tensorBoard.close();
                } catch (IOException e) {
                    LOG.warn("could not close the TensorBoard event file: {}", e.toString());
                }
                tensorBoard = null;
            }
        }
        Path bestCheckpoint = bestEpoch == 0 || config.checkpointEvery() == 0 ? null
                : Checkpoint.directory(config.outputDir(), bestEpoch);
        if (bestCheckpoint != null && !java.nio.file.Files.isDirectory(bestCheckpoint)) {
            bestCheckpoint = null;
        }
        FitResult result = new FitResult(history.stream().map(EpochResult::of).toList(), List.copyOf(stepLosses),
                stopped, lastCheckpoint, bestEpoch, bestCheckpoint, config.restoresBest() && bestEpoch > 0,
                interrupted);
        trainable.recordTraining(TrainingRecord.finish(record, history.size(), interrupted ? "interrupted"
                : stopped ? "early_stopping" : "max_epochs", result.bestEpoch(), result.bestValues(),
                recordType != null ? recordType : cache != null ? cache.recordType() : null));
        return result;
    }

    /** {@code report.html} in the output directory: curves, the epoch table, a PCA map of ≤ 1,000 samples. */
    private void writeReport(String stoppedBy) throws IOException {
        SimilarityDataLoader<?, ?> loader = validation != null ? validation : train;
        List<float[]> rows = new ArrayList<>();
        List<Long> colours = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        boolean text = true;
        boolean isGroupData = false;
        Iterator<?> batches = batches(loader, 0);
        try {
            while (batches.hasNext() && rows.size() < 1000) {
                Batch<T> batch = next(batches);
                isGroupData = batch.match(g -> true, p -> false);
                try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                    float[] flat = forward(batch, loader, manager, false).toType(DataType.FLOAT32, false)
                            .toFloatArray();
                    int n = batch.match(g -> g.size(), p -> 2 * p.rows().length); // the map leaves negatives out
                    int d = flat.length / batch.size();
                    for (int i = 0; i < n; i++) {
                        float[] row = new float[d];
                        System.arraycopy(flat, i * d, row, 0, d);
                        rows.add(row);
                        // groups by group; pairs by pair, so both sides of a pair share a colour
                        int k = i;
                        colours.add(batch.match(g -> g.groups()[k], p -> (long) p.rows()[k % (n / 2)]));
                        Object record = batch.records() == null ? null : batch.records().get(i);
                        text &= record instanceof String;
                        String key = batch.match(g -> "row " + g.rows()[k] + ", group " + g.groups()[k],
                                p -> "pair " + p.rows()[k % (n / 2)] + (k < n / 2 ? " a" : " b"));
                        titles.add(record instanceof String str ? abbreviate(str) + " (" + key + ")" : key);
                    }
                }
            }
        } finally {
            close(batches);
        }
        long[] groups = colours.stream().mapToLong(Long::longValue).toArray();
        org.quaterion.classify.ClassificationReport knn = null;
        long classes = java.util.Arrays.stream(groups).distinct().count();
        if (isGroupData && rows.size() >= 6 && classes >= 2 && classes <= 30) {
            try (NDManager manager = model.manager().newSubManager()) {
                knn = org.quaterion.classify.KnnClassifier.leaveOneOut(manager.create(rows.toArray(new float[0][])),
                        groups, org.quaterion.distance.Distance.cosine(), 5,
                        org.quaterion.classify.KnnClassifier.Vote.MAJORITY);
            }
        }
        List<String[]> header = new ArrayList<>();
        header.add(new String[] {"model", model.encoders().keySet() + " encoders ("
                + model.encoders().values().stream().map(e -> e.getClass().getSimpleName()).toList() + "), head "
                + model.head().typeName() + ", " + model.embeddingSize() + " dimensions"});
        for (String key : new String[] {"loss", "miner", "optimizer", "trainer", "data"}) {
            if (record.has(key) && !record.get(key).isJsonNull()) {
                header.add(new String[] {key, abbreviate(record.get(key).toString())});
            }
        }
        header.add(new String[] {"epochs run", history.size() + ", stopped by " + stoppedBy});
        if (bestEpoch > 0) {
            header.add(new String[] {"best epoch", bestEpoch + " (" + config.earlyStopping().monitor() + " = "
                    + ReportCharts.format(best) + ")" + (config.restoresBest() ? ", its weights restored" : "")});
        }
        header.add(new String[] {"wall time", String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime()
                - fitStart) / 1e9)});
        header.add(new String[] {"library", record.has("library_version") ? record.get("library_version")
                .getAsString() : "?"});
        TrainingReport.write(config.outputDir().resolve("report.html"), new TrainingReport.Page("Training report: "
                + trainable.getClass().getSimpleName(), header, history, bestEpoch - 1,
                config.earlyStopping() == null ? null : config.earlyStopping().monitor(), rows.toArray(new float[0][]),
                groups, titles.toArray(new String[0]), text && !titles.isEmpty(), knn,
                config.metricsFormat() == TrainerConfig.MetricsFormat.CSV ? "metrics.csv" : "metrics.jsonl"));
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    private List<String> columns() {
        List<String> c = new ArrayList<>(List.of("epoch", "global_step", "lr", "train_loss"));
        if (validation != null) {
            c.add("validation_loss");
        }
        for (AttachedMetric m : trainable.metrics()) {
            for (Stage s : Stage.values()) {
                if (m.runsIn(s) && (s == Stage.TRAIN || validation != null)) {
                    c.add(m.key(s));
                }
            }
        }
        c.add("epoch_seconds");
        return c;
    }

    private boolean earlyStop(Map<String, Double> row) {
        EarlyStopping rule = config.earlyStopping();
        if (rule == null) {
            return false;
        }
        Double value = row.get(rule.monitor());
        if (value == null) {
            throw new IllegalArgumentException("early stopping monitors '" + rule.monitor() + "' but the epoch "
                    + "produced only " + row.keySet() + "; give a validation loader or monitor another value");
        }
        if (rule.improves(value, best)) {
            best = value;
            badEpochs = 0;
            bestEpoch = epoch;
            return false;
        }
        badEpochs++;
        return badEpochs >= rule.patience();
    }

    private double factor(long step) {
        long total = config.maxEpochs() < 0 ? -1 : (long) config.maxEpochs() * train.batchesPerEpoch();
        double f = config.schedule().factor(step, total);
        if (!(f >= 0) || Double.isInfinite(f)) {
            throw new IllegalStateException("the learning-rate schedule returned factor " + f + " at step " + step
                    + "; a schedule must return a finite factor >= 0 (1 = the base rate)");
        }
        return f;
    }

    private double runEpoch(SimilarityDataLoader<?, ?> loader, boolean training, Map<String, double[]> metricSums) {
        Stage stage = training ? Stage.TRAIN : Stage.VALIDATION;
        int total = loader.batchesPerEpoch();
        double lossSum = 0;
        long samples = 0;
        progress.startStage();
        Iterator<?> batches = batches(loader, epoch);
        try {
            int index = 0;
            while (batches.hasNext()) {
                Batch<T> batch = next(batches);
                if (recordType == null && batch.records() != null && !batch.records().isEmpty()) {
                    recordType = batch.records().get(0).getClass().getName();
                }
                int size = batch.size();
                double loss = step(batch, loader, index, stage, metricSums);
                lossSum += loss * size;
                samples += size;
                index++;
                progress.step(stage.key(), epoch + 1, index, total, lossSum / samples);
                if (training && trainable.stopRequested()) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            close(batches);
        }
        if (samples == 0) {
            throw new IllegalArgumentException("the " + stage.key() + " loader produced no batch in epoch " + (epoch + 1)
                    + "; check its batch size, dropLast and batch sampler");
        }
        return lossSum / samples;
    }

    /** An epoch's batches: label-only ones from the cache when it skips records, else the loader's. */
    private Iterator<?> batches(SimilarityDataLoader<?, ?> loader, int epoch) {
        return cache == null ? loader.epoch(epoch) : cache.batches(loader, epoch);
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

    private NDArray forward(Batch<T> batch, SimilarityDataLoader<?, ?> loader, NDManager manager, boolean training) {
        return cache == null ? model.forward(batch.records(), manager, training)
                : cache.forward(batch, loader, epoch, manager, training);
    }

    private double step(Batch<T> batch, SimilarityDataLoader<?, ?> loader, int index, Stage stage,
            Map<String, double[]> metricSums) {
        boolean training = stage == Stage.TRAIN;
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            NDArray embeddings;
            double value;
            if (training) {
                if (config.gradCacheBatch() > 0 && batch.size() > config.gradCacheBatch()) {
                    GradCache.Result r = GradCache.step(batch.records(), config.gradCacheBatch(),
                            config.seed() * 1_000_003L + 7919L * globalStep, records -> model.forward(records,
                                    manager, true), e -> loss(batch, e, manager, true), l -> checkFinite(l, stage));
                    embeddings = r.embeddings();
                    value = checkFinite(r.loss(), stage);
                } else {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        embeddings = forward(batch, loader, manager, true);
                        NDArray loss = loss(batch, embeddings, manager, true);
                        value = checkFinite(loss, stage);
                        collector.backward(loss);
                    }
                }
                boolean finite = clipGradients();
                if (finite) {
                    trainable.optimizer().step(parameters, trainable.optimizer().learningRate() * factor(globalStep));
                    if (ema != null) {
                        ema.update(parameters);
                    }
                } else {
                    skippedSteps++;
                    LOG.warn("step {}: non-finite gradients (loss {}); the update is skipped ({} so far). Lower the "
                            + "learning rate or clip gradients (withGradientClipNorm) if this repeats", globalStep,
                            value, skippedSteps);
                }
                zeroGradients(finite);
                stepLosses.add(value);
                logScalar("train_loss_step", value);
                globalStep++;
            } else {
                embeddings = forward(batch, loader, manager, false);
                value = checkFinite(loss(batch, embeddings, manager, false), stage);
            }
            NDArray detached = embeddings.stopGradient();
            for (AttachedMetric m : trainable.metrics()) {
                if (m.runsIn(stage)) {
                    double v = m.metric().compute(sample(batch, detached));
                    double[] acc = metricSums.computeIfAbsent(m.key(stage), k -> new double[2]);
                    int size = batch.size();
                    acc[0] += v * size;
                    acc[1] += size;
                }
            }
            trainable.processResults(detached, batch, index, stage);
            return value;
        }
    }

    private double checkFinite(NDArray loss, Stage stage) {
        double value = loss.toType(DataType.FLOAT64, false).getDouble();
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("the " + stage.key() + " loss is " + value + " at epoch " + (epoch + 1)
                    + ", step " + globalStep + "; lower the learning rate, clip gradients (withGradientClipNorm) or "
                    + "check the inputs");
        }
        return value;
    }

    private static <T> EmbeddedSample sample(Batch<T> batch, NDArray embeddings) {
        return batch.match(g -> EmbeddedSample.ofGroups(embeddings, g.groups(), null),
                p -> EmbeddedSample.ofPairs(p.negatives().length == 0 ? embeddings
                        : embeddings.get("0:" + 2 * p.rows().length), p.pairs(), p.labels(), null, false));
    }

    private NDArray loss(Batch<T> batch, NDArray embeddings, NDManager manager, boolean training) {
        return batch.match(g -> groupLoss(g, embeddings, manager, training), p -> pairLoss(p, embeddings, manager));
    }

    private NDArray groupLoss(GroupBatch<T> g, NDArray embeddings, NDManager manager, boolean training) {
        if (!(trainable.loss() instanceof GroupLoss loss)) {
            throw new IllegalArgumentException("a group loader needs a GroupLoss, but configureLoss returned "
                    + trainable.loss().getClass().getSimpleName() + "; use a PairsSimilarityDataLoader for it");
        }
        NDArray groups = manager.create(g.groups());
        IndexTuples tuples = trainable.miner() == null ? null : trainable.miner().mine(embeddings, groups);
        NDArray value = loss.forward(embeddings, groups, tuples);
        if (training && xbm != null) {
            if (globalStep >= trainable.xbm().startIteration()) {
                NDArray[] memory = xbm.get(manager);
                if (memory != null) {
                    value = value.add(Scalars.mul(loss.forward(embeddings, groups, null, memory[0],
                            memory[1]), trainable.xbm().weight()));
                }
            }
            xbm.queue(embeddings.stopGradient(), groups);
        }
        return value;
    }

    private NDArray pairLoss(PairBatch<T> p, NDArray embeddings, NDManager manager) {
        if (!(trainable.loss() instanceof PairwiseLoss loss)) {
            throw new IllegalArgumentException("a pair loader needs a PairwiseLoss, but configureLoss returned "
                    + trainable.loss().getClass().getSimpleName() + "; use a GroupSimilarityDataLoader for it");
        }
        return loss.forward(embeddings, manager.create(p.pairs()), manager.create(p.labels()),
                manager.create(p.subgroups()), p.negatives().length == 0 ? null : manager.create(p.negatives()));
    }

    /**
     * Clips the global gradient norm when configured; returns false (no update) when a gradient is NaN or infinite,
     * which one overflowing batch can cause and which would otherwise poison every weight.
     */
    private boolean clipGradients() {
        double squared;
        try (NDScope scope = new NDScope()) {
            NDArray total = null; // summed on the device: one host sync per step, not one per parameter
            for (NDArray p : parameters.values()) {
                NDArray part = p.getGradient().square().sum().toType(DataType.FLOAT64, false);
                total = total == null ? part : total.add(part);
            }
            squared = total == null ? 0 : total.getDouble();
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm)) {
            return false;
        }
        double max = config.gradientClipNorm();
        if (max > 0 && norm > max) {
            double scale = max / (norm + 1e-6);
            for (NDArray p : parameters.values()) {
                try (NDScope scope = new NDScope()) {
                    p.getGradient().muli(scale);
                }
            }
        }
        return true;
    }

    private void zeroGradients(boolean finite) {
        for (NDArray p : parameters.values()) {
            try (NDScope scope = new NDScope()) {
                NDArray g = p.getGradient();
                if (finite) {
                    g.subi(g);
                } else {
                    g.set(new ai.djl.ndarray.index.NDIndex("..."), 0); // subi(g) would keep NaN or ∞
                }
            }
        }
    }

    /** Warns once when every step of an epoch had a loss of exactly 0: nothing is being learned. */
    private void warnIfNothingLearned(int firstStep) {
        if (warnedNothingLearned || stepLosses.size() == firstStep) {
            return;
        }
        for (int i = firstStep; i < stepLosses.size(); i++) {
            if (stepLosses.get(i) != 0.0) {
                return;
            }
        }
        warnedNothingLearned = true;
        LOG.warn("every training step of epoch {} had a loss of exactly 0: nothing is being learned. Typical causes: "
                + "a single group or class (no negatives), batches without positive pairs (use a BalanceSampler), or "
                + "a margin of 0 that every tuple already satisfies", epoch + 1);
    }

    /** One TensorBoard scalar at the global step; a failed write is reported once and logging stops. */
    private void logScalar(String tag, double value) {
        if (tensorBoard == null) {
            return;
        }
        try {
            tensorBoard.scalar(tag, value, globalStep);
        } catch (IOException e) {
            LOG.warn("TensorBoard events are no longer written ({}): {}", tensorBoard.file(), e.toString());
            try {
                tensorBoard.close();
            } catch (IOException ignored) {
                // already failing
            }
            tensorBoard = null;
        }
    }

    /**
     * Puts the best epoch's weights back into the model when configured and a later epoch was worse; with an EMA,
     * the model ends with the averaged weights (the best epoch's average when the best is restored).
     */
    private void restoreBest() {
        if (ema != null && (bestWeights == null || bestEpoch == 0)) {
            ema.copyInto(parameters);
            LOG.info("the model holds the moving average of its weights (decay {})", config.emaDecay());
            return;
        }
        if (bestWeights == null || bestEpoch == 0 || (ema == null && bestEpoch == epoch && !interrupted)) {
            return;
        }
        bestWeights.restoreInto(parameters);
        LOG.info("restored the weights of epoch {} ({} = {}), the best of {} epochs", bestEpoch,
                config.earlyStopping().monitor(), best, epoch);
    }

    private Path checkpoint() throws IOException {
        Path dir = Checkpoint.directory(config.outputDir(), epoch);
        try (NDManager manager = model.manager().newSubManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            parameters.forEach((k, v) -> {
                NDArray c = v.stopGradient().duplicate();
                c.attach(manager);
                params.put(k, c);
            });
            NDArray[] memory = null;
            if (xbm != null) {
                memory = new NDArray[] {xbm.embeddingsArray().duplicate(), xbm.groupsArray().duplicate()};
                memory[0].attach(manager);
                memory[1].attach(manager);
            }
            new Checkpoint(epoch, globalStep, config.seed(), best, badEpochs, bestEpoch, history, params,
                    trainable.optimizer().state(manager), memory, xbm == null ? 0 : xbm.pointer(),
                    xbm != null && xbm.isFull(), record, ema == null ? null : ema.values()).write(dir);
        }
        List<Path> all = Checkpoint.list(config.outputDir());
        for (int i = 0; i < all.size() - config.keepCheckpoints(); i++) {
            if (Checkpoint.epochOf(all.get(i)) != bestEpoch) { // the best is never pruned
                org.quaterion.models.io.AtomicDirectory.deleteRecursively(all.get(i));
            }
        }
        LOG.info("checkpoint written: {}", dir);
        return dir;
    }

    private void resume(Path dir) throws IOException {
        try (NDManager manager = model.manager().newSubManager()) {
            Checkpoint c = Checkpoint.read(dir, manager);
            List<String> differences = TrainingRecord.differences(c.training(), record);
            if (!differences.isEmpty()) {
                if (!config.allowResumeMismatch()) {
                    throw new IllegalArgumentException("checkpoint " + dir + " was written by a run set up "
                            + "differently: " + String.join("; ", differences) + ". Resume with the same settings, or "
                            + "allow it with TrainerConfig.withResumeMismatchAllowed(true)");
                }
                LOG.warn("resuming from {} with different settings (allowed): {}", dir, differences);
            }
            if (!c.parameters().keySet().equals(parameters.keySet())) {
                throw new IllegalArgumentException("checkpoint " + dir + " holds parameters " + c.parameters().keySet()
                        + " but the model has " + parameters.keySet() + "; resume with the same TrainableModel");
            }
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray saved = c.parameters().get(e.getKey());
                if (!saved.getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException("parameter " + e.getKey() + " is " + saved.getShape()
                            + " in the checkpoint but " + e.getValue().getShape() + " in the model");
                }
                e.getValue().set(new ai.djl.ndarray.index.NDIndex(":"),
                        saved.toType(e.getValue().getDataType(), false));
            }
            trainable.optimizer().restore(c.optimizer(), model.manager().newSubManager());
            if (ema != null) {
                if (c.averaged() != null) {
                    ema.load(c.averaged());
                } else {
                    ema.load(parameters); // the resumed weights (the average was created before the resume)
                    LOG.warn("checkpoint {} has no weight average: the average restarts from its weights", dir);
                }
            }
            XbmConfig xbmConfig = trainable.xbm();
            if (xbmConfig != null) {
                xbm = new XbmBuffer(model.manager(), xbmConfig.bufferSize(), model.embeddingSize(),
                        model.dataType());
                if (c.xbm() != null) {
                    xbm.restore(c.xbm()[0], c.xbm()[1], c.xbmPointer(), c.xbmFull());
                }
            }
            epoch = c.completedEpochs();
            globalStep = c.globalStep();
            best = c.best();
            badEpochs = c.badEpochs();
            bestEpoch = c.bestEpoch();
            for (Map<String, Double> row : c.history()) {
                // rows are numbered by position from 1, whatever numbering the checkpoint's writer used
                Map<String, Double> numbered = new LinkedHashMap<>(row);
                numbered.put("epoch", (double) (history.size() + 1));
                history.add(numbered);
            }
            if (bestWeights != null && bestEpoch > 0) {
                Path bestDir = Checkpoint.directory(config.outputDir(), bestEpoch);
                if (bestEpoch == epoch) {
                    bestWeights.capture(ema != null ? ema.values() : parameters);
                } else if (java.nio.file.Files.isDirectory(bestDir)) {
                    Checkpoint b = Checkpoint.read(bestDir, manager);
                    bestWeights.capture(ema != null && b.averaged() != null ? b.averaged() : b.parameters());
                } else {
                    LOG.warn("the best epoch's checkpoint {} is gone: the weights at the end of this fit are restored "
                            + "only if a later epoch improves", bestDir);
                    bestEpoch = 0;
                }
            }
            if (c.seed() != config.seed()) { // checkpoints without a training record
                LOG.warn("resuming a run seeded {} with seed {}: the continuation will not reproduce the original",
                        c.seed(), config.seed());
            }
            LOG.info("resumed from {} after epoch {} (step {}); continuing with epoch {}", dir, epoch, globalStep,
                    epoch + 1);
        }
    }
}
