package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.MultiDatasetLoader;
import org.quaterion.dataset.MultiDatasetLoader.Sampling;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.loss.LossInputs;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.Reduction;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;
import org.quaterion.train.optim.ParameterGroups;

/**
 * Two datasets in one fit: a group dataset trained with a triplet loss and a pair dataset with MNR, interleaved
 * round-robin or proportionally; each loss sees only its own dataset's batches, each dataset's loss is logged, a
 * resumed run repeats the uninterrupted one.
 */
class MultiDatasetTrainingTest {

    private static final int DIM = 16;

    @TempDir
    Path tmp;

    /** The triplet loss, recording the size of every batch it is given. */
    static final class RecordingTriplet extends AlteredTripletLoss {
        final List<Long> sizes = Collections.synchronizedList(new ArrayList<>());

        @Override
        NDArray alter(int call, LossInputs in, NDArray loss) {
            sizes.add(in.embeddings().getShape().get(0));
            return loss;
        }
    }

    /** MultipleNegativesRankingLoss, recording the number of pairs of every batch it is given. */
    static final class RecordingMnr extends PairwiseLoss {
        private final MultipleNegativesRankingLoss inner = new MultipleNegativesRankingLoss();
        final List<Long> pairs = Collections.synchronizedList(new ArrayList<>());

        RecordingMnr() {
            super((org.quaterion.distance.Distance) null);
        }

        @Override
        protected LossTerms compute(PairInputs in) {
            pairs.add(in.pairs().getShape().get(0));
            return LossTerms.alreadyReduced(inner.forward(in.embeddings(), in.pairs(), in.scores(), in.subgroups()));
        }

        @Override
        public Reduction reduction() {
            return Reduction.ALREADY_REDUCED;
        }

        @Override
        public JsonObject config() {
            return inner.config();
        }
    }

    /** An identity encoder under a linear head; the triplet loss by default, MNR for the dataset "pairs". */
    static final class Model extends TrainableModel<float[]> {
        final RecordingTriplet triplet = new RecordingTriplet();
        final RecordingMnr mnr = new RecordingMnr();
        final List<String> batchKinds = new ArrayList<>();
        GradientOptimizer optimizer = Adam.of(1e-2);
        Map<String, SimilarityLoss> datasetLosses = Map.of("pairs", mnr);
        int crashAfterSteps = -1;

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("x", TestModels.lambdaEncoder("identity", DIM, x -> x));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return LinearHead.builder().setInputSize(inputSize).setOutputSize(8).optBias(true).build();
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return triplet;
        }

        @Override
        protected Map<String, SimilarityLoss> configureDatasetLosses() {
            return datasetLosses;
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return optimizer;
        }

        @Override
        protected void processResults(NDArray embeddings, Batch<float[]> batch, int batchIndex,
                AttachedMetric.Stage stage) {
            if (stage == AttachedMetric.Stage.TRAIN) {
                batchKinds.add(batch.match(g -> "groups", p -> "pairs"));
                if (batchKinds.size() == crashAfterSteps) {
                    throw new IllegalStateException("simulated crash after " + crashAfterSteps + " steps");
                }
            }
        }
    }

    /** 40 group samples (8 classes × 5) in batches of 16: 3 batches (16, 16, 8). */
    private static GroupSimilarityDataLoader<float[]> groups(long seed) {
        List<SimilarityGroupSample<float[]>> data = TrainingTest.groups(5, seed);
        return new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(16).withShuffle(seed));
    }

    /** 30 pairs whose partners share the first half of the coordinates, in batches of 8: 4 batches (8, 8, 8, 6). */
    private static PairsSimilarityDataLoader<float[]> pairs(long seed) {
        Random random = new Random(seed);
        List<SimilarityPairSample<float[]>> data = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            float[] a = new float[DIM];
            float[] b = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                a[j] = (float) random.nextGaussian();
                b[j] = j < DIM / 2 ? a[j] + 0.1f * (float) random.nextGaussian() : (float) random.nextGaussian();
            }
            data.add(SimilarityPairSample.of(a, b));
        }
        return new PairsSimilarityDataLoader<>(data, LoaderOptions.batchSize(8).withShuffle(seed));
    }

    private static MultiDatasetLoader<float[]> loader(Sampling sampling, long seed) {
        return MultiDatasetLoader.<float[]>builder(sampling).optSeed(seed).add("groups", groups(seed))
                .add("pairs", pairs(seed)).build();
    }

    private static TrainerConfig config(int epochs, Path out) {
        return TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withOutputDir(out);
    }

    @Test
    void roundRobinAlternatesUntilTheSmallerDatasetRunsOutAndEachLossSeesItsOwnBatches() throws Exception {
        MultiDatasetLoader<float[]> train = loader(Sampling.ROUND_ROBIN, 2);
        assertEquals(6, train.batchesPerEpoch(), "3 batches of each: the 4th pair batch waits for no one");
        assertEquals(List.of("groups", "pairs", "groups", "pairs", "groups", "pairs"), train.schedule(0));
        try (Model model = new Model()) {
            FitResult result = Quaterion.fit(model, config(2, tmp), train, loader(Sampling.ROUND_ROBIN, 5));
            assertEquals(List.of("groups", "pairs", "groups", "pairs", "groups", "pairs", "groups", "pairs",
                    "groups", "pairs", "groups", "pairs"), model.batchKinds);
            // per epoch: training batches of 16, 16 and 8 records, then the validation loader's, likewise
            assertEquals(List.of(16L, 16L, 8L, 16L, 16L, 8L, 16L, 16L, 8L, 16L, 16L, 8L), model.triplet.sizes);
            assertEquals(12, model.mnr.pairs.size());
            assertTrue(model.mnr.pairs.stream().allMatch(n -> n == 8), "round robin uses the three full pair "
                    + "batches of an epoch here, never a group batch: " + model.mnr.pairs);
            Map<String, Double> row = result.epochs().get(1).values();
            double groupsLoss = row.get("train_loss/groups");
            double pairsLoss = row.get("train_loss/pairs");
            // the epoch's loss is the mean over embedding rows: 40 group records and 3 × 16 pair records
            assertEquals((groupsLoss * 40 + pairsLoss * 48) / 88, row.get("train_loss"), 1e-9);
            assertTrue(row.containsKey("validation_loss/groups") && row.containsKey("validation_loss/pairs"),
                    row.keySet().toString());
            String header = Files.readAllLines(tmp.resolve("metrics.csv")).get(0);
            assertTrue(header.contains("train_loss/groups") && header.contains("validation_loss/pairs"), header);
            JsonObject record = model.trainingRecord();
            assertEquals("ROUND_ROBIN", record.getAsJsonObject("data").get("sampling").getAsString());
            assertEquals(30, record.getAsJsonObject("data").getAsJsonObject("datasets").getAsJsonObject("pairs")
                    .get("samples").getAsInt());
            assertTrue(record.getAsJsonObject("dataset_losses").has("pairs"), record.toString());
        }
    }

    private static List<Long> sortedDescending(List<Long> values) {
        List<Long> out = new ArrayList<>(values);
        out.sort(Collections.reverseOrder());
        return out;
    }

    @Test
    void proportionalUsesEveryBatchInASeededOrder() throws Exception {
        MultiDatasetLoader<float[]> train = loader(Sampling.PROPORTIONAL, 3);
        assertEquals(7, train.batchesPerEpoch());
        List<List<String>> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < 4; epoch++) {
            List<String> schedule = train.schedule(epoch);
            assertEquals(3, Collections.frequency(schedule, "groups"));
            assertEquals(4, Collections.frequency(schedule, "pairs"));
            assertEquals(schedule, loader(Sampling.PROPORTIONAL, 3).schedule(epoch), "seeded by (seed, epoch)");
            epochs.add(schedule);
        }
        assertTrue(epochs.stream().distinct().count() > 1, "epochs are drawn anew: " + epochs);
        assertNotEquals(loader(Sampling.PROPORTIONAL, 4).schedule(0).toString() + loader(Sampling.PROPORTIONAL, 4)
                .schedule(1), epochs.get(0).toString() + epochs.get(1), "another seed, another order");
        try (Model model = new Model()) {
            Quaterion.fit(model, config(1, null).withoutCheckpoints(), train, null);
            assertEquals(train.schedule(0), model.batchKinds);
            assertEquals(List.of(16L, 16L, 8L), sortedDescending(model.triplet.sizes));
            assertEquals(List.of(8L, 8L, 8L, 6L), sortedDescending(model.mnr.pairs));
        }
    }

    @Test
    void aResumedRunRepeatsTheUninterruptedOne() throws Exception {
        List<Double> uninterrupted;
        try (Model model = new Model()) {
            uninterrupted = Quaterion.fit(model, config(3, tmp.resolve("a")), loader(Sampling.PROPORTIONAL, 7),
                    null).stepLosses();
        }
        try (Model model = new Model()) {
            model.crashAfterSteps = 7 + 3; // during epoch 2, after epoch 1's checkpoint
            assertThrows(IllegalStateException.class, () -> Quaterion.fit(model, config(3, tmp.resolve("b"))
                    .withCheckpoints(1, 5), loader(Sampling.PROPORTIONAL, 7), null));
        }
        List<Double> resumed;
        try (Model model = new Model()) {
            resumed = Quaterion.fit(model, config(3, tmp.resolve("b")), loader(Sampling.PROPORTIONAL, 7), null,
                    Checkpoint.latest(tmp.resolve("b"))).stepLosses();
        }
        assertEquals(21, uninterrupted.size());
        assertEquals(14, resumed.size());
        for (int i = 0; i < resumed.size(); i++) {
            assertEquals(uninterrupted.get(7 + i), resumed.get(i), 1e-6, "step " + (7 + i));
        }
        try (Model model = new Model()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    config(3, tmp.resolve("b")), loader(Sampling.ROUND_ROBIN, 7), null,
                    Checkpoint.latest(tmp.resolve("b"))));
            assertTrue(e.getMessage().contains("sampling"), "another interleaving is another run: "
                    + e.getMessage());
        }
    }

    @Test
    void misconfigurationIsRefusedWithTheFix() throws Exception {
        try (Model model = new Model()) {
            model.datasetLosses = Map.of("pair", new MultipleNegativesRankingLoss());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    config(1, null), loader(Sampling.ROUND_ROBIN, 1), null));
            assertTrue(e.getMessage().contains("'pair'") && e.getMessage().contains("[groups, pairs]"),
                    e.getMessage());
        }
        try (Model model = new Model()) {
            model.datasetLosses = Map.of();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    config(1, null), loader(Sampling.ROUND_ROBIN, 1), null));
            assertTrue(e.getMessage().contains("used by dataset 'pairs'"), e.getMessage());
        }
        try (Model model = new Model()) {
            model.optimizer = ParameterGroups.of(Adam.of(1e-2)).prefix("encoder.", 0.1).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    config(1, null), loader(Sampling.ROUND_ROBIN, 1), null));
            assertTrue(e.getMessage().contains("matches no parameter") && e.getMessage().contains("head."),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MultiDatasetLoader.<float[]>builder(Sampling.ROUND_ROBIN)
                .add("groups", groups(1)).build());
        assertThrows(IllegalArgumentException.class, () -> MultiDatasetLoader.<float[]>builder(Sampling.ROUND_ROBIN)
                .add("a.b", groups(1)));
        assertThrows(IllegalArgumentException.class, () -> MultiDatasetLoader.<float[]>builder(Sampling.ROUND_ROBIN)
                .add("g", groups(1)).add("g", groups(2)));
    }
}
