package org.quaterion.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.dataset.ScoredPairDataLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.eval.ir.IrEvaluation;
import org.quaterion.eval.ir.IrEvaluator;
import org.quaterion.models.SimilarityModel;
import org.quaterion.negatives.HardNegativeMiner;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.sampler.NoDuplicatesBatchSampler;
import org.quaterion.train.Callback;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.ExponentialMovingAverage;
import org.quaterion.train.FitResult;
import org.quaterion.train.LearningRateSchedule;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quaterion train --config train.yaml}; the YAML keys of its help are {@link TrainHelp#footer()}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune a head on a frozen text encoder, or a whole transformer, from a YAML config.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the YAML config")
    Path config;

    @Option(names = "--resume", description = "continue from a checkpoint directory, or 'latest' for the newest "
            + "under <output>/checkpoints")
    String resume;

    @Override
    public Integer call() throws IOException {
        TrainConfig c = TrainConfig.read(config);
        // every output is checked before the cache fill and the first epoch
        CliInputs.requireWritableDirectory(c.output(), "output");
        org.quaterion.models.io.AtomicDirectory.checkReplaceable(c.output().resolve("servable"),
                SimilarityModel.KIND);
        CliInputs.requireFile(c.train(), "training data");
        if (c.validation() != null) {
            CliInputs.requireFile(c.validation(), "validation data");
        }
        if (c.transformer() != null && !List.of("minilm", "e5-small").contains(c.transformer().source())) {
            CliInputs.requireFile(Path.of(c.transformer().source()).resolve("config.json"), "transformer config.json");
        }
        if (c.onnxModel() != null) {
            CliInputs.requireFile(c.onnxModel(), "ONNX model");
            CliInputs.requireFile(c.onnxTokenizer(), "tokenizer");
        }
        if (c.cacheDir() != null) {
            CliInputs.requireWritableDirectory(c.cacheDir(), "cache");
        }
        if (c.crossEncoder()) {
            return trainCrossEncoder(c);
        }
        // the IR evaluation set is read and checked before the cache fill and the first epoch
        IrEvaluator ir = c.evaluator() == null ? null : c.evaluator().evaluator();
        SimilarityDataLoader<?, ? extends Batch<String>> train;
        SimilarityDataLoader<?, ? extends Batch<String>> validation = null;
        int numClasses = 0;
        List<SimilarityPairSample<String>> pairs = null;
        if (c.kind().equals("pairs")) {
            pairs = Datasets.pairsFromJsonl(c.train(), e -> e.getAsString());
            train = null; // made once the model exists: mined negatives need it
            if (c.validation() != null) {
                validation = new PairsSimilarityDataLoader<>(Datasets.pairsFromJsonl(c.validation(),
                        e -> e.getAsString()), LoaderOptions.batchSize(c.batchSize()));
            }
        } else {
            List<SimilarityGroupSample<String>> data = Datasets.groupsFromJsonl(c.train(), e -> e.getAsString());
            LoaderOptions options = LoaderOptions.batchSize(c.batchSize()).withShuffle(c.seed());
            if (c.sampler().equals("balance")) {
                options = options.withBatchSampler(new BalanceSampler(GroupSimilarityDataLoader.groupsOf(data),
                        c.labelsPerBatch(), Math.max(2, c.batchSize() / c.labelsPerBatch()), c.seed()));
            }
            train = new GroupSimilarityDataLoader<>(data, options);
            numClasses = classCount(data, c);
            if (c.validation() != null) {
                validation = new GroupSimilarityDataLoader<>(Datasets.groupsFromJsonl(c.validation(),
                        e -> e.getAsString()), LoaderOptions.batchSize(c.batchSize()));
            }
        }
        Path resumeFrom = resumePath(c.output());
        try (ConfiguredModel model = new ConfiguredModel(c, numClasses); StopOnSignal signal = new StopOnSignal(
                model::requestStop)) {
            if (pairs != null) {
                train = pairLoader(c, c.negatives() > 0 ? mineNegatives(model, pairs, c.negatives()) : pairs);
            }
            // every configured epoch runs (unless the evaluator sets a patience); the servable holds the best
            // epoch's weights by this monitor: the IR metric when an evaluator picks it, else the loss
            String irMonitor = c.evaluator() == null ? null : c.evaluator().monitoredKey();
            String monitor = irMonitor != null ? irMonitor : validation != null ? "validation_loss" : "train_loss";
            int patience = c.evaluator() != null && c.evaluator().patience() > 0 ? c.evaluator().patience()
                    : Integer.MAX_VALUE;
            List<Callback> callbacks = new ArrayList<>();
            if (c.emaDecay() > 0) {
                callbacks.add(new ExponentialMovingAverage(c.emaDecay()));
            }
            if (ir != null) {
                callbacks.add(new IrEvaluation(ir));
            }
            FitResult result;
            try {
                result = Quaterion.fit(model, transformerRecipe(c, train, TrainerConfig.defaults()).withMaxEpochs(c.epochs())
                        .withSeed(c.seed()).withOutputDir(c.output())
                        .withEarlyStopping(new EarlyStopping(monitor, irMonitor == null, patience, 0))
                        .withRestoreBest(true)
                        .withCallbacks(callbacks)
                        .withTensorBoard(c.tensorBoard() ? c.output().resolve("tensorboard") : null), train,
                        validation, resumeFrom);
            } catch (java.util.concurrent.CancellationException e) {
                System.err.println("interrupted while filling the cache: nothing partial was kept; run the same "
                        + "command again to start over");
                return 130;
            }
            if (result.interrupted()) {
                Path latest = org.quaterion.train.Checkpoint.latest(c.output());
                // epochs count from 1, as in the progress lines and the checkpoint names (epoch-0003 holds
                // the weights after epoch 3)
                System.err.println((result.epochs().isEmpty() ? "interrupted during epoch 1"
                        : "interrupted after epoch " + result.epochs().size()) + "; latest checkpoint "
                        + (latest == null ? "none" : latest) + "; resume with: quaterion train --config " + config
                        + (latest == null ? "" : " --resume latest"));
                return 130; // the model closes first (waiting for encoder calls in flight), then the JVM exits
            }
            Path servable = c.output().resolve("servable");
            model.saveServable(servable);
            System.out.printf(Locale.ROOT, "trained %d epochs; best epoch %d (%s %.6g, checkpoint %s): %s%n"
                    + "servable (best epoch's weights): %s%n", result.epochs().size(), result.bestEpoch(), monitor,
                    result.bestValues().get(monitor), result.bestCheckpoint(), result.bestValues(), servable);
        }
        return 0;
    }

    /**
     * Trains a cross-encoder on scored pairs ({@code data.kind: scored_pairs}): whole query lists per batch
     * ({@code trainer.batch_size} lists), the transformer recipe, the best epoch's weights (by the validation loss,
     * or the training loss without validation data) in the servable, which {@code CrossEncoderModel.load} serves.
     */
    private Integer trainCrossEncoder(TrainConfig c) throws IOException {
        ScoredPairDataLoader<String, String> train = new ScoredPairDataLoader<>(scoredPairs(c.train()),
                LoaderOptions.batchSize(c.batchSize()).withShuffle(c.seed()));
        ScoredPairDataLoader<String, String> validation = c.validation() == null ? null
                : new ScoredPairDataLoader<>(scoredPairs(c.validation()), LoaderOptions.batchSize(c.batchSize()));
        Path resumeFrom = resumePath(c.output());
        try (ConfiguredCrossEncoder model = new ConfiguredCrossEncoder(c); StopOnSignal signal = new StopOnSignal(
                model::requestStop)) {
            String monitor = validation != null ? "validation_loss" : "train_loss";
            List<Callback> callbacks = new ArrayList<>();
            if (c.emaDecay() > 0) {
                callbacks.add(new ExponentialMovingAverage(c.emaDecay()));
            }
            FitResult result = Quaterion.fit(model, transformerRecipe(c, train, TrainerConfig.defaults())
                    .withMaxEpochs(c.epochs()).withSeed(c.seed()).withOutputDir(c.output())
                    .withEarlyStopping(new EarlyStopping(monitor, true, Integer.MAX_VALUE, 0)).withRestoreBest(true)
                    .withCallbacks(callbacks)
                    .withTensorBoard(c.tensorBoard() ? c.output().resolve("tensorboard") : null), train, validation,
                    resumeFrom);
            if (result.interrupted()) {
                Path latest = org.quaterion.train.Checkpoint.latest(c.output());
                System.err.println("interrupted; latest checkpoint " + (latest == null ? "none" : latest)
                        + "; resume with: quaterion train --config " + config + (latest == null ? ""
                        : " --resume latest"));
                return 130;
            }
            Path servable = c.output().resolve("servable");
            model.saveServable(servable);
            System.out.printf(Locale.ROOT, "trained a cross-encoder %d epochs on %d pairs (%d queries); best epoch %d "
                    + "(%s %.6g)%nservable (best epoch's weights; CrossEncoderModel.load): %s%n",
                    result.epochs().size(), train.pairCount(), train.dataset().size(), result.bestEpoch(), monitor,
                    result.bestValues().get(monitor), servable);
        }
        return 0;
    }

    private static List<ScoredPair<String, String>> scoredPairs(Path file) throws IOException {
        return Datasets.scoredPairsFromJsonl(file, e -> e.getAsString(), e -> e.getAsString());
    }

    /** Shuffled pair batches, or batches without a repeated text ({@code trainer.sampler: no_duplicates}). */
    private static PairsSimilarityDataLoader<String> pairLoader(TrainConfig c, List<SimilarityPairSample<String>> data) {
        LoaderOptions options = LoaderOptions.batchSize(c.batchSize()).withShuffle(c.seed()).withDropLast();
        if (c.sampler().equals("no_duplicates")) {
            options = options.withBatchSampler(NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records,
                    c.batchSize()).optSeed(c.seed()).optDropLast(true).build());
        }
        return new PairsSimilarityDataLoader<>(data, options);
    }

    /**
     * Mines {@code k} negatives per pair among the training texts with the untrained model (ranks 3-30, below 95% of
     * the pair's own similarity: the nearest are often unlabelled positives).
     */
    private static List<SimilarityPairSample<String>> mineNegatives(ConfiguredModel model,
            List<SimilarityPairSample<String>> pairs, int k) {
        HardNegativeMiner miner = HardNegativeMiner.builder().optNegatives(k).optRankRange(3, 30)
                .optRelativeMargin(0.95).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            HardNegativeMiner.Result<String> mined = miner.mine(pairs, HardNegativeMiner.Embedder.of(model.model(),
                    64), manager);
            System.out.printf(Locale.ROOT, "mined %d negatives for %d pairs%n", mined.stats().negatives(),
                    pairs.size());
            return mined.samples();
        }
    }

    /**
     * A fine-tuned transformer trains with sentence-transformers' recipe: linear warm-up over the first 10% of the
     * steps, cosine decay, gradient norm clipped at 1.
     */
    private static TrainerConfig transformerRecipe(TrainConfig c, SimilarityDataLoader<?, ?> train,
            TrainerConfig config) {
        if (c.transformer() == null) {
            return config;
        }
        int warmup = Math.max(1, train.batchesPerEpoch() * c.epochs() / 10);
        return config.withGradientClipNorm(1.0).withSchedule(LearningRateSchedule.warmupCosine(warmup, 0.0));
    }

    /** Class-weight losses (ArcFace, …) need groups numbered 0..C-1: C is the largest group + 1. */
    private static int classCount(List<SimilarityGroupSample<String>> data, TrainConfig c) {
        long max = data.stream().mapToLong(SimilarityGroupSample::group).max().orElse(0);
        long min = data.stream().mapToLong(SimilarityGroupSample::group).min().orElse(0);
        boolean classWeights = TrainConfig.REGISTRY.isLoss(c.loss(), org.quaterion.loss.ClassWeightLoss.class);
        if (classWeights && (min < 0 || max >= 1_000_000)) {
            throw new IllegalArgumentException("loss " + c.loss() + " keeps one weight row per group, so groups "
                    + "must be numbered 0..C-1; " + c.train() + " has groups from " + min + " to " + max);
        }
        return (int) Math.min(max + 1, Integer.MAX_VALUE);
    }

    private Path resumePath(Path output) throws IOException {
        if (resume == null) {
            return null;
        }
        Path dir = resume.equals("latest") ? org.quaterion.train.Checkpoint.latest(output) : Path.of(resume);
        if (dir == null) {
            throw new IllegalArgumentException("--resume latest: no checkpoint under " + output.resolve(
                    "checkpoints") + "; start without --resume");
        }
        return dir;
    }
}
