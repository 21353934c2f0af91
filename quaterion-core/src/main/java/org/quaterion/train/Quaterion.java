package org.quaterion.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.MultiDatasetLoader;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.ScoredPairDataLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.eval.Evaluator;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.score.ScoreLoss;
import org.quaterion.models.EngineSetup;
import org.quaterion.models.SimilarityModel;

/** The entry point: fit a {@link TrainableModel}, evaluate a model (Quaterion's {@code Quaterion} class). */
public final class Quaterion {

    private Quaterion() {}

    /**
     * Sets libtorch's thread counts before the PyTorch engine loads ({@link EngineSetup#configure}: intra-op threads,
     * inter-op 1). Call it first in {@code main}.
     *
     * @param threads intra-op threads, at least 1
     * @throws IllegalStateException when the engine has already loaded with another thread count
     */
    public static void configureEngine(int threads) {
        EngineSetup.configure(threads);
    }

    /**
     * Trains a model. Calling it again on the same model continues training from the model's current weights with a
     * fresh optimizer ({@code configureOptimizer} is called again, as PyTorch Lightning's {@code trainer.fit} calls
     * {@code configure_optimizers}); the new fit's epoch count, learning-rate schedule and early stopping start
     * again.
     *
     * @param model the trainable model (built here on the config's device with its seed, unless already built)
     * @param config the trainer settings
     * @param trainLoader training batches
     * @param validationLoader validation batches, or null
     * @param <T> record type
     * @return what happened
     * @throws IOException when writing metrics or checkpoints fails
     */
    public static <T> FitResult fit(TrainableModel<T> model, TrainerConfig config,
            SimilarityDataLoader<?, ? extends Batch<T>> trainLoader,
            SimilarityDataLoader<?, ? extends Batch<T>> validationLoader) throws IOException {
        return fit(model, config, trainLoader, validationLoader, null);
    }

    /**
     * Trains a model, continuing from a checkpoint: parameters, optimizer state, cross-batch memory, epoch, step and
     * early-stopping state are restored, and epochs are re-seeded by number, so the continuation reproduces the
     * uninterrupted run.
     *
     * @param model the trainable model (the same hooks as the run that wrote the checkpoint)
     * @param config the trainer settings (same seed)
     * @param trainLoader training batches
     * @param validationLoader validation batches, or null
     * @param resumeFrom a checkpoint directory ({@link Checkpoint#latest}), or null to start afresh
     * @param <T> record type
     * @return what happened in this call (history includes the resumed epochs)
     * @throws IOException when reading or writing fails
     */
    public static <T> FitResult fit(TrainableModel<T> model, TrainerConfig config,
            SimilarityDataLoader<?, ? extends Batch<T>> trainLoader,
            SimilarityDataLoader<?, ? extends Batch<T>> validationLoader, Path resumeFrom) throws IOException {
        if (model == null || config == null || trainLoader == null) {
            throw new IllegalArgumentException("fit needs a model, a config and a training loader");
        }
        EarlyStopping rule = config.callback(EarlyStopping.class).orElse(null);
        if (rule != null && rule.monitor().startsWith("validation") && validationLoader == null) {
            config = config.withEarlyStopping(null);
            org.slf4j.LoggerFactory.getLogger(Quaterion.class).info("no validation loader: early stopping on {} is "
                    + "off", rule.monitor());
        }
        if (config.maxEpochs().isEmpty() && config.callback(EarlyStopping.class).isEmpty()) {
            throw new IllegalArgumentException("the config trains until early stopping (no epoch limit), which needs "
                    + "early stopping and a validation loader; set withMaxEpochs(n) or give a validation loader");
        }
        checkLearnable(trainLoader);
        model.build(config.device(), config.seed());
        checkDatasetLosses(trainLoader, model);
        checkLoaderFitsLoss(trainLoader, model);
        BatchPrompts prompts = new BatchPrompts(model.model().prompts());
        prompts.check(trainLoader, "training");
        if (validationLoader != null) {
            checkLoaderFitsLoss(validationLoader, model);
            prompts.check(validationLoader, "validation");
        }
        CacheConfig<T> cacheConfig = model.cacheConfig();
        if (cacheConfig != null && (trainLoader instanceof MultiDatasetLoader<?>
                || validationLoader instanceof MultiDatasetLoader<?>)) {
            throw new IllegalArgumentException("configureCaches cannot serve a MultiDatasetLoader: the frozen-encoder "
                    + "cache keys embeddings by the rows of one dataset; train without the cache, or one dataset per "
                    + "fit");
        }
        if (cacheConfig != null && config.gradCacheBatch().isPresent()) {
            throw new IllegalArgumentException("withGradCache is for trainable encoders, but configureCaches caches "
                    + "frozen ones: their outputs cost no graph memory, so there is nothing to save; remove one of "
                    + "the two");
        }
        Path previousOutput = model.startFit(config.outputDir());
        // before a cache fill, so that a misspelt parameter group fails at once
        model.optimizer().checkParameters(java.util.Collections.unmodifiableSet(model.trainableParameters().keySet()));
        int earlier = model.earlierFits();
        if (earlier > 0) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Quaterion.class);
            log.info("fit {} of this model: training continues from its current weights with a fresh optimizer "
                    + "(configureOptimizer); its epochs, schedule and early stopping start again", earlier + 1);
            if (resumeFrom == null && previousOutput != null && config.outputDir() != null
                    && previousOutput.equals(config.outputDir().toAbsolutePath().normalize())) {
                log.warn("this fit writes to {}, as the previous fit of this model did: its checkpoints of the same "
                        + "epoch numbers are replaced and its metrics rows stay above the new ones; give each fit its "
                        + "own output directory (withOutputDir)", previousOutput);
            }
        }
        try (ModelCache<T> cache = cacheConfig == null ? null
                : ModelCache.setup(model.model(), cacheConfig, trainLoader, validationLoader,
                        model::stopRequested)) {
            return new Trainer<>(model, config, trainLoader, validationLoader, cache).run(resumeFrom);
        }
    }

    /**
     * A training set must hold something to learn from: two samples at least. (Records are not read here: a fully
     * cached fit reads each record once, for the fill. The trainer warns when a whole epoch's losses are 0.)
     */
    private static void checkLearnable(SimilarityDataLoader<?, ?> loader) {
        int size = loader.dataset().size();
        if (size < 2) {
            throw new IllegalArgumentException("the training set has " + size + " sample(s): nothing can be "
                    + "learned from it; give at least two samples (pairs, or records of two or more groups)");
        }
    }

    /** Every dataset named in {@code configureDatasetLosses} must be one of the training loader's datasets. */
    private static void checkDatasetLosses(SimilarityDataLoader<?, ?> train, TrainableModel<?> model) {
        java.util.Set<String> named = model.datasetLosses().keySet();
        if (named.isEmpty()) {
            return;
        }
        java.util.Set<String> datasets = train instanceof MultiDatasetLoader<?> multi ? multi.loaders().keySet()
                : java.util.Set.of();
        for (String name : named) {
            if (!datasets.contains(name)) {
                throw new IllegalArgumentException("configureDatasetLosses names dataset '" + name + "', but the "
                        + "training loader " + (datasets.isEmpty() ? "is a single dataset; combine datasets with a "
                        + "MultiDatasetLoader" : "has datasets " + datasets + "; fix the name"));
            }
        }
    }

    /**
     * A pair loader needs a pairwise loss and a group loader a group loss (Quaterion raises the same); each dataset of
     * a multi-dataset loader is checked against its own loss.
     */
    private static void checkLoaderFitsLoss(SimilarityDataLoader<?, ?> loader, TrainableModel<?> model) {
        if (loader instanceof MultiDatasetLoader<?> multi) {
            multi.loaders().forEach((name, l) -> checkLoaderFitsLoss(l, model.lossOf(name),
                    model.datasetLosses().containsKey(name) ? "configureDatasetLosses gives dataset '" + name + "'"
                            : "configureLoss (used by dataset '" + name + "') returned"));
        } else {
            checkLoaderFitsLoss(loader, model.loss(), "configureLoss returned");
        }
    }

    private static void checkLoaderFitsLoss(SimilarityDataLoader<?, ?> loader, SimilarityLoss configured,
            String source) {
        String loss = configured.getClass().getSimpleName();
        if (loader instanceof PairsSimilarityDataLoader<?> && !(configured instanceof PairwiseLoss)) {
            throw new IllegalArgumentException("a PairsSimilarityDataLoader needs a PairwiseLoss, but " + source + " "
                    + loss + "; use a GroupSimilarityDataLoader for it or a pair loss");
        }
        if (loader instanceof GroupSimilarityDataLoader<?> && !(configured instanceof GroupLoss)) {
            throw new IllegalArgumentException("a GroupSimilarityDataLoader needs a GroupLoss, but " + source + " "
                    + loss + "; use a PairsSimilarityDataLoader for it or a group loss");
        }
        if (loader instanceof ScoredPairDataLoader<?, ?> && !(configured instanceof ScoreLoss)) {
            throw new IllegalArgumentException("a ScoredPairDataLoader needs a ScoreLoss (binary or listwise "
                    + "cross-entropy, margin-MSE, RankNet, LambdaLoss), but " + source + " " + loss);
        }
        if (configured instanceof ScoreLoss && !(loader instanceof ScoredPairDataLoader<?, ?>)) {
            throw new IllegalArgumentException(source + " " + loss + ", a ScoreLoss: it needs a ScoredPairDataLoader "
                    + "of (query, document, target, group) pairs, not a " + loader.getClass().getSimpleName());
        }
    }

    /**
     * Evaluates a model with an evaluator ({@code evaluator.evaluate(dataset, model)}).
     *
     * @param evaluator the evaluator
     * @param dataset the samples
     * @param model the model
     * @param <S> sample type
     * @param <T> record type
     * @return metric name → value
     */
    public static <S, T> Map<String, Double> evaluate(Evaluator<S, T> evaluator, List<S> dataset,
            SimilarityModel<T> model) {
        return evaluator.evaluate(dataset, model);
    }
}
