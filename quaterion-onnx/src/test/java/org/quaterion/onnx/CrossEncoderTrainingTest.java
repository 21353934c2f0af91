package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.dataset.ScoredPairDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.score.BinaryCrossEntropyScoreLoss;
import org.quaterion.loss.score.ListwiseCrossEntropyLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.train.Checkpoint;
import org.quaterion.train.FitResult;
import org.quaterion.train.LearningRateSchedule;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;

/**
 * A cross-encoder trains through {@code Quaterion.fit} on scored pairs with a score loss: the loss goes down, a
 * seeded fit is reproducible, a resumed fit equals the uninterrupted one, the saved servable scores as the trained
 * model does, and a loss or loader of the other kind is refused.
 */
class CrossEncoderTrainingTest {

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "black", "white", "orange",
            "purple");

    @TempDir
    Path tmp;

    /** A tiny BERT cross-encoder with a fresh one-logit head. */
    static class Model extends TrainableModel<Pair<String, String>> {
        private final Path transformer;
        private final SimilarityLoss loss;
        int crashAfterSteps = -1;
        private int steps;

        Model(Path transformer, SimilarityLoss loss) {
            this.transformer = transformer;
            this.loss = loss;
        }

        @Override
        protected Map<String, Encoder<Pair<String, String>>> configureEncoders() {
            return Map.of("cross", CrossEncoder.of(TrainableTransformer.fromHuggingFace(transformer).maxLength(32)));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return CrossEncoder.scoringHead(inputSize, 1);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return loss;
        }

        @Override
        protected org.quaterion.train.optim.GradientOptimizer configureOptimizer() {
            return Adam.of(3e-3);
        }

        @Override
        protected void processResults(NDArray embeddings, Batch<Pair<String, String>> batch, int batchIndex,
                AttachedMetric.Stage stage) {
            if (stage == AttachedMetric.Stage.TRAIN && ++steps == crashAfterSteps) {
                throw new IllegalStateException("simulated crash after " + steps + " steps");
            }
        }
    }

    /** Each colour's query with its own car as the positive and three other colours' cars as negatives. */
    static List<ScoredPair<String, String>> lists() {
        List<ScoredPair<String, String>> out = new ArrayList<>();
        for (int q = 0; q < COLOURS.size(); q++) {
            String query = "which car is " + COLOURS.get(q);
            out.add(new ScoredPair<>(query, "the " + COLOURS.get(q) + " car", 1, q));
            for (int k = 1; k <= 3; k++) {
                out.add(new ScoredPair<>(query, "the " + COLOURS.get((q + 2 * k) % COLOURS.size()) + " car", 0, q));
            }
        }
        return out;
    }

    Path tinyBert() throws Exception {
        Path dir = tmp.resolve("bert");
        if (!Files.isDirectory(dir)) {
            TinyTransformers.write(dir, TinyTransformers.bert(), TinyTransformers.randomWeights(TinyTransformers
                    .bert(), 3));
        }
        return dir;
    }

    static ScoredPairDataLoader<String, String> loader() {
        return new ScoredPairDataLoader<>(lists(), LoaderOptions.batchSize(2).withShuffle(5));
    }

    static TrainerConfig config(int epochs, Path out) {
        return TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withOutputDir(out)
                .withSchedule(LearningRateSchedule.warmupCosine(2, 0.1)).withGradientClipNorm(5);
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void listwiseFitLowersTheLossAndTheServableScoresAsTrained() throws Exception {
        Path servable = tmp.resolve("servable");
        List<Double> losses;
        float[] trained;
        try (Model model = new Model(tinyBert(), new ListwiseCrossEntropyLoss())) {
            FitResult result = Quaterion.fit(model, config(8, tmp.resolve("run")), loader(),
                    new ScoredPairDataLoader<>(lists(), LoaderOptions.batchSize(4)));
            losses = result.stepLosses();
            double firstValidation = result.epochs().get(0).get("validation_loss");
            double lastValidation = result.epochs().get(7).get("validation_loss");
            System.out.printf("cross-encoder listwise CE validation: epoch 1 %.4f, epoch 8 %.4f%n", firstValidation,
                    lastValidation);
            assertTrue(lastValidation < firstValidation, "validation loss " + firstValidation + " -> "
                    + lastValidation);
            model.saveServable(servable);
            trained = CrossEncoderModel.of(model.model()).score("which car is red", List.of("the red car",
                    "the blue car"));
        }
        String report = Files.readString(tmp.resolve("run/report.html"));
        assertTrue(report.contains("ListwiseCrossEntropyLoss") || report.contains("listwise_cross_entropy"),
                "the report names the loss");
        assertTrue(!report.contains("<h2>Embeddings"), "no embedding map of scores");
        assertTrue(Files.isRegularFile(tmp.resolve("run/metrics.csv")), "metrics are written");
        int perEpoch = 4;
        assertEquals(8 * perEpoch, losses.size());
        double first = mean(losses.subList(0, perEpoch));
        double last = mean(losses.subList(7 * perEpoch, 8 * perEpoch));
        System.out.printf("cross-encoder listwise CE: epoch 1 %.4f, epoch 8 %.4f%n", first, last);
        assertTrue(last < first, "the loss goes down: epoch 1 " + first + ", epoch 8 " + last);
        try (CrossEncoderModel reloaded = CrossEncoderModel.load(servable)) {
            assertArrayEquals(trained, reloaded.score("which car is red", List.of("the red car", "the blue car")),
                    "the servable scores as the trained model, bit for bit");
        }
    }

    @Test
    void seededFitIsReproducibleAndResumeEqualsTheUninterruptedRun() throws Exception {
        SimilarityLoss bce = new BinaryCrossEntropyScoreLoss();
        List<Double> uninterrupted;
        try (Model model = new Model(tinyBert(), bce)) {
            uninterrupted = Quaterion.fit(model, config(3, tmp.resolve("a")), loader(), null).stepLosses();
        }
        try (Model model = new Model(tinyBert(), new BinaryCrossEntropyScoreLoss())) {
            assertEquals(uninterrupted, Quaterion.fit(model, config(3, tmp.resolve("a2")), loader(), null)
                    .stepLosses(), "a seeded fit is reproducible");
        }
        try (Model model = new Model(tinyBert(), new BinaryCrossEntropyScoreLoss())) {
            model.crashAfterSteps = 4 + 2; // in epoch 2, after epoch 1's checkpoint
            IllegalStateException crash = assertThrows(IllegalStateException.class, () -> Quaterion.fit(model,
                    config(3, tmp.resolve("b")).withCheckpoints(1, 5), loader(), null));
            assertTrue(crash.getMessage().contains("simulated crash"));
        }
        Path checkpoint = Checkpoint.latest(tmp.resolve("b"));
        assertEquals(tmp.resolve("b/checkpoints/epoch-0001"), checkpoint);
        List<Double> resumed;
        try (Model model = new Model(tinyBert(), new BinaryCrossEntropyScoreLoss())) {
            resumed = Quaterion.fit(model, config(3, tmp.resolve("b")), loader(), null, checkpoint).stepLosses();
        }
        assertEquals(uninterrupted.subList(4, 12), resumed, "the resumed epochs equal the uninterrupted run's");
        assertTrue(uninterrupted.get(0).doubleValue() != uninterrupted.get(8).doubleValue(), "steps differ");
    }

    @Test
    void aLossAndALoaderOfDifferentKindsAreRefused() throws Exception {
        try (Model model = new Model(tinyBert(), new TripletLoss())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Quaterion.fit(model, config(1, tmp.resolve("c")), loader(), null));
            assertTrue(e.getMessage().contains("ScoredPairDataLoader needs a ScoreLoss"), e.getMessage());
        }
        Path bert = tinyBert();
        try (Model model = new Model(bert, new ListwiseCrossEntropyLoss()) {
            @Override
            protected Map<String, Encoder<Pair<String, String>>> configureEncoders() {
                // a frozen transformer under a trained head: what a cache would serve
                return Map.of("cross", CrossEncoder.of(TrainableTransformer.fromHuggingFace(bert).frozen()));
            }

            @Override
            protected org.quaterion.cache.CacheConfig<Pair<String, String>> configureCaches() {
                return org.quaterion.cache.CacheConfig.of(org.quaterion.cache.CacheType.AUTO);
            }
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Quaterion.fit(model, config(1, tmp.resolve("e")), loader(), null));
            assertTrue(e.getMessage().contains("turn the cache off"), e.getMessage());
        }
        List<SimilarityGroupSample<Pair<String, String>>> groups = List.of(
                new SimilarityGroupSample<>(new Pair<>("a", "b"), 0), new SimilarityGroupSample<>(new Pair<>("c",
                        "d"), 1));
        try (Model model = new Model(tinyBert(), new ListwiseCrossEntropyLoss())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Quaterion.fit(model, config(1, tmp.resolve("d")), new GroupSimilarityDataLoader<>(groups,
                            LoaderOptions.batchSize(2)), null));
            assertTrue(e.getMessage().contains("needs a ScoredPairDataLoader"), e.getMessage());
        }
    }
}
