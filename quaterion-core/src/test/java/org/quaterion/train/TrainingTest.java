package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.eval.SampleMetric;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.sampler.BalanceSampler;

/** The trainer on small synthetic data: loss goes down, files, exact resume, no leaks, bad configuration. */
class TrainingTest {

    private static final int DIM = 16;

    @TempDir
    Path tmp;

    /** A frozen identity encoder, a linear head with dropout, a configurable loss. */
    static class Model extends TrainableModel<float[]> {
        private final SimilarityLoss loss;
        private final XbmConfig xbm;
        private final int headInput;
        private final double dropout;
        private final List<AttachedMetric> metrics;

        Model(SimilarityLoss loss, XbmConfig xbm) {
            this(loss, xbm, DIM, 0.1, List.of(AttachedMetric.of("rrp",
                    SampleMetric.retrievalRPrecision(Distance.cosine()))));
        }

        Model(SimilarityLoss loss, XbmConfig xbm, int headInput, double dropout, List<AttachedMetric> metrics) {
            this.loss = loss;
            this.xbm = xbm;
            this.headInput = headInput;
            this.dropout = dropout;
            this.metrics = metrics;
        }

        /** Training steps after which the run "crashes" (-1 = never). */
        int crashAfterSteps = -1;
        private int steps;

        @Override
        protected void processResults(NDArray embeddings, org.quaterion.dataset.Batch<float[]> batch, int batchIndex,
                AttachedMetric.Stage stage) {
            if (stage == AttachedMetric.Stage.TRAIN && ++steps == crashAfterSteps) {
                throw new IllegalStateException("simulated crash after " + steps + " steps");
            }
        }

        @Override
        protected org.quaterion.train.optim.GradientOptimizer configureOptimizer() {
            return org.quaterion.train.optim.Adam.of(1e-2);
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("x", TestModels.lambdaEncoder("identity", DIM, x -> x));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return LinearHead.builder().setInputSize(headInput).setOutputSize(8).optBias(true).optDropout(dropout)
                    .build();
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return loss;
        }

        @Override
        protected XbmConfig configureXbm() {
            return xbm;
        }

        @Override
        protected List<AttachedMetric> configureMetrics() {
            return metrics;
        }
    }

    /** 8 classes × 20 points: class centres plus noise, in 16 dimensions. */
    static List<SimilarityGroupSample<float[]>> groups(int perClass, long seed) {
        Random random = new Random(seed);
        Random centres = new Random(1);
        float[][] c = new float[8][DIM];
        for (float[] row : c) {
            for (int j = 0; j < DIM; j++) {
                row[j] = (float) centres.nextGaussian();
            }
        }
        List<float[]> objects = new ArrayList<>();
        long[] labels = new long[8 * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 8;
            float[] x = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                x[j] = c[i % 8][j] + 1.5f * (float) random.nextGaussian();
            }
            objects.add(x);
        }
        return Datasets.fromClassification(objects, labels);
    }

    private static GroupSimilarityDataLoader<float[]> balanced(List<SimilarityGroupSample<float[]>> data) {
        return new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(16).withBatchSampler(
                new BalanceSampler(GroupSimilarityDataLoader.groupsOf(data), 4, 4, 3)));
    }

    private static TrainerConfig config(int epochs, Path out) {
        return TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withOutputDir(out)
                .withSchedule(LearningRateSchedule.warmupCosine(3, 0.1)).withGradientClipNorm(5);
    }

    @Test
    void fitLowersTheLossAndWritesMetricsAndCheckpoints() throws Exception {
        List<SimilarityGroupSample<float[]>> train = groups(20, 2);
        List<SimilarityGroupSample<float[]>> val = groups(10, 3);
        try (Model model = new Model(new TripletLoss(), null)) {
            FitResult result = Quaterion.fit(model, config(6, tmp), balanced(train),
                    new GroupSimilarityDataLoader<>(val, LoaderOptions.batchSize(40)));
            List<EpochResult> epochs = result.epochs();
            assertEquals(6, epochs.size());
            double first = epochs.get(0).get("validation_loss");
            double last = epochs.get(5).get("validation_loss");
            assertTrue(last < first * 0.9, "validation loss " + first + " -> " + last);
            assertTrue(epochs.get(5).values().containsKey("rrp_validation")
                    && epochs.get(5).values().containsKey("rrp_train"));
            assertEquals(6, epochs.get(5).epoch(), "epochs are numbered from 1");
            List<String> csv = Files.readAllLines(tmp.resolve("metrics.csv"));
            assertEquals(7, csv.size(), "header + one row per epoch");
            assertTrue(csv.get(0).startsWith("epoch,global_step,lr,train_loss,validation_loss"), csv.get(0));
            assertEquals(2, Checkpoint.list(tmp).size(), "keeps the 2 newest checkpoints");
            String report = Files.readString(tmp.resolve("report.html"));
            assertTrue(report.contains("<svg") && report.contains("validation_loss best")
                    && report.contains("Embeddings (80 samples)") && report.contains("PCA (first two")
                    && !report.contains("<script"),
                    "a self-contained report with curves and the PCA map");
            assertEquals(tmp.resolve("checkpoints/epoch-0006"), Checkpoint.latest(tmp));
            Path servable = tmp.resolve("servable");
            model.saveServable(servable);
            try (SimilarityModel<float[]> loaded = SimilarityModel.load(servable,
                    org.quaterion.models.ModelRegistry.discover().register(
                            TestModels.lambdaFactory("identity", x -> x)), null, float[].class)) {
                float[] a = model.model().encode(List.of(train.get(0).obj()), 1)[0];
                float[] b = loaded.encode(List.of(train.get(0).obj()), 1)[0];
                for (int j = 0; j < a.length; j++) {
                    assertEquals(a[j], b[j], 1e-6);
                }
            }
        }
    }

    @Test
    void resumeReproducesTheUninterruptedRun() throws Exception {
        List<SimilarityGroupSample<float[]>> train = groups(20, 2);
        XbmConfig xbm = new XbmConfig(0.5, 50, 4);
        List<Double> uninterrupted;
        try (Model model = new Model(new TripletLoss(), xbm)) {
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(train,
                    LoaderOptions.batchSize(20).withShuffle(9));
            uninterrupted = Quaterion.fit(model, config(4, tmp.resolve("a")), loader, null).stepLosses();
        }
        try (Model model = new Model(new TripletLoss(), xbm)) {
            // the same 4-epoch run, killed during epoch 2 (after its checkpoint of epoch 1 was written)
            model.crashAfterSteps = 2 * 8 + 3;
            IllegalStateException crash = assertThrows(IllegalStateException.class, () -> Quaterion.fit(model,
                    config(4, tmp.resolve("b")).withCheckpoints(1, 5),
                    new GroupSimilarityDataLoader<>(train, LoaderOptions.batchSize(20).withShuffle(9)), null));
            assertTrue(crash.getMessage().contains("simulated crash"));
        }
        assertEquals(tmp.resolve("b/checkpoints/epoch-0002"), Checkpoint.latest(tmp.resolve("b")));
        List<Double> resumed;
        try (Model model = new Model(new TripletLoss(), xbm)) {
            resumed = Quaterion.fit(model, config(4, tmp.resolve("b")),
                    new GroupSimilarityDataLoader<>(train, LoaderOptions.batchSize(20).withShuffle(9)), null,
                    tmp.resolve("b/checkpoints/epoch-0002")).stepLosses();
        }
        int perEpoch = 8;
        assertEquals(4 * perEpoch, uninterrupted.size());
        assertEquals(2 * perEpoch, resumed.size());
        for (int i = 0; i < resumed.size(); i++) {
            assertEquals(uninterrupted.get(2 * perEpoch + i), resumed.get(i), 1e-6, "step " + (2 * perEpoch + i));
        }
        // (compared by value: boxed Doubles compared with != are always different objects, a check that cannot fail)
        assertTrue(uninterrupted.get(0).doubleValue() != uninterrupted.get(2 * perEpoch).doubleValue(),
                "the steps differ from each other");
    }

    @Test
    void pairTrainingWithMultipleNegativesRankingLowersValidationLoss() throws Exception {
        Random random = new Random(4);
        List<SimilarityPairSample<float[]>> train = new ArrayList<>();
        List<SimilarityPairSample<float[]>> val = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            float[] a = new float[DIM];
            float[] b = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                a[j] = (float) random.nextGaussian();
                // the partner shares only the first half of the coordinates; the rest is noise the head must drop
                b[j] = j < DIM / 2 ? a[j] + 0.1f * (float) random.nextGaussian() : 3 * (float) random.nextGaussian();
            }
            (i < 128 ? train : val).add(SimilarityPairSample.of(a, b, 1));
        }
        try (Model model = new Model(new MultipleNegativesRankingLoss(), null, DIM, 0, List.of(AttachedMetric.of(
                "rrk", SampleMetric.retrievalReciprocalRank(Distance.cosine()))))) {
            FitResult result = Quaterion.fit(model, config(8, null).withoutCheckpoints().withEarlyStopping(null),
                    new PairsSimilarityDataLoader<>(train, LoaderOptions.batchSize(32).withShuffle(1)),
                    new PairsSimilarityDataLoader<>(val, LoaderOptions.batchSize(32)));
            double first = result.epochs().get(0).get("validation_loss");
            double last = result.epochs().get(result.epochs().size() - 1).get("validation_loss");
            assertTrue(last < first * 0.8, "validation loss " + first + " -> " + last);
        }
    }

    @Test
    void stepsLeaveTheLiveArrayCountFlat() throws Exception {
        List<SimilarityGroupSample<float[]>> train = groups(20, 2);
        try (Model model = new Model(new TripletLoss(), new XbmConfig(1, 40, 0))) {
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(train,
                    LoaderOptions.batchSize(16).withShuffle(1));
            TrainerConfig cfg = config(1, null).withoutCheckpoints().withEarlyStopping(null)
                    .withSchedule(LearningRateSchedule.constant());
            Quaterion.fit(model, cfg, loader, null);
            NDManager manager = model.model().manager();
            int before = manager.getManagedArrays().size();
            FitResult result = Quaterion.fit(model, cfg.withMaxEpochs(100), loader, null);
            assertEquals(1000, result.stepLosses().size(), "1,000 steps");
            assertEquals(before, manager.getManagedArrays().size(), "live arrays after 1,000 steps");
        }
    }

    /** Triplet loss plus, on one training call, sqrt(x − x) of one embedding value: loss + 0, gradient +∞. */
    static final class SpikyLoss extends AlteredTripletLoss {
        private final int spikeAt;

        SpikyLoss(int spikeAt) {
            this.spikeAt = spikeAt;
        }

        @Override
        NDArray alter(int call, org.quaterion.loss.LossInputs in, NDArray loss) {
            if (call != spikeAt) {
                return loss;
            }
            NDArray x = in.embeddings().get(0, 0);
            return loss.add(x.sub(x.stopGradient()).sqrt());
        }
    }

    @Test
    void aStepWithNonFiniteGradientsIsSkippedNotWrittenIntoTheWeights() throws Exception {
        List<SimilarityGroupSample<float[]>> train = groups(20, 2);
        List<Boolean> updated = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
                updated.add(batch.updated());
            }
        };
        try (Model model = new Model(new SpikyLoss(3), null)) {
            FitResult result = Quaterion.fit(model, config(2, tmp).withCallback(recorder), balanced(train), null);
            assertTrue(result.stepLosses().size() > 3, "training went on after the spike");
            for (int i = 0; i < updated.size(); i++) {
                assertEquals(i != 2, updated.get(i), "only the third step (the spike) is skipped: " + updated);
            }
            result.stepLosses().forEach(l -> assertTrue(Double.isFinite(l), "step losses " + result.stepLosses()));
            float[] v = model.model().encode(List.of(train.get(0).obj()), 1)[0];
            for (float x : v) {
                assertTrue(Float.isFinite(x), "the weights stayed finite");
            }
        }
    }

    @Test
    void badConfigurationIsRejected() throws Exception {
        List<SimilarityGroupSample<float[]>> data = groups(4, 2);
        GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(8));
        TrainerConfig cfg = config(1, null).withoutCheckpoints();
        assertMessage("configureLoss returned null", () -> Quaterion.fit(new Model(null, null), cfg, loader, null));
        assertMessage("input size 12 but the encoders output 16",
                () -> Quaterion.fit(new Model(new TripletLoss(), null, 12, 0, List.of()), cfg, loader, null));
        assertMessage("a GroupSimilarityDataLoader needs a GroupLoss", () -> Quaterion.fit(
                new Model(new MultipleNegativesRankingLoss(), null), cfg, loader, null));
        assertMessage("dataset is empty", () -> new GroupSimilarityDataLoader<>(List.<SimilarityGroupSample<float[]>>of(),
                LoaderOptions.batchSize(2)));
        assertMessage("fewer than the 10 each batch needs", () -> new BalanceSampler(
                GroupSimilarityDataLoader.groupsOf(data), 10, 2, 0));
        assertMessage("until early stopping", () -> Quaterion.fit(new Model(new TripletLoss(), null),
                TrainerConfig.defaults(), loader, null));
        assertMessage("cannot use a memory", () -> Quaterion.fit(new Model(
                org.quaterion.loss.ArcFaceLoss.builder().setNumClasses(8).setEmbeddingSize(8).optScale(64)
                        .optMargin(0.5).build(), XbmConfig.defaults()), cfg, loader, null));
        assertMessage("checkpoints need an output directory", () -> cfg.withCheckpoints(1, 1));
        for (SimilarityLoss ignoring : List.of(new TripletLoss(), new MultipleNegativesRankingLoss())) {
            Model withMiner = new Model(ignoring, null) {
                @Override
                protected org.quaterion.miner.Miner configureMiner() {
                    return new org.quaterion.miner.BatchHardMiner();
                }
            };
            assertMessage("would ignore its tuples", () -> Quaterion.fit(withMiner, cfg, loader, null));
        }
        Model arcFaceWithMiner = new Model(org.quaterion.loss.ArcFaceLoss.builder().setNumClasses(8).setEmbeddingSize(8)
                .optScale(64).optMargin(0.5).build(), null) {
            @Override
            protected org.quaterion.miner.Miner configureMiner() {
                return new org.quaterion.miner.BatchHardMiner(); // PML's miner weights
            }
        };
        assertEquals(1, Quaterion.fit(arcFaceWithMiner, config(1, null), loader, null).epochs().size());
        assertMessage("the training set has 1 sample(s): nothing can be learned", () -> Quaterion.fit(
                new Model(new TripletLoss(), null), cfg, new GroupSimilarityDataLoader<>(data.subList(0, 1),
                        LoaderOptions.batchSize(1)), null));
    }

    @Test
    void aFailedCheckpointWriteLeavesThePreviousOneLoadable() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1, 2, 3});
            new Checkpoint(1, 10, 42, 0.5, 0, 1, 1.0, List.of(Map.of("epoch", 0.0)), Map.of("head.w", w), Map.of(),
                    null, Map.of()).write(dir);
            NDArray closed = m.create(new float[] {9});
            closed.close();
            assertThrows(RuntimeException.class, () -> new Checkpoint(2, 20, 42, 0.4, 0, 2, 1.0, List.of(),
                    Map.of("head.w", m.create(new float[] {4, 5, 6}), "head.b", closed), Map.of(), null, Map.of())
                    .write(dir));
            Checkpoint previous = Checkpoint.read(dir, m);
            assertEquals(1, previous.completedEpochs());
            assertEquals(3f, previous.parameters().get("head.w").toFloatArray()[2]);
            try (var files = Files.list(tmp)) {
                assertEquals(1, files.count(), "no temporary directory left behind");
            }
            Files.write(dir.resolve("parameters.ndlist"), new byte[] {1, 2, 3});
            assertMessage("corrupt", () -> Checkpoint.read(dir, m));
            assertNotNull(dir);
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
    }
}
