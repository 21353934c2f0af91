package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.LossInputs;
import org.quaterion.loss.TripletLoss;
import org.quaterion.train.report.ReportCharts;

/** Checkpoints keep the best, sort by number, reject unverifiable state, and resume without duplicate rows. */
class CheckpointTrustTest {

    @TempDir
    Path tmp;

    private static final List<SimilarityGroupSample<float[]>> TRAIN = TrainingTest.groups(20, 2);
    private static final List<SimilarityGroupSample<float[]>> VAL = TrainingTest.groups(10, 3);

    private static GroupSimilarityDataLoader<float[]> trainLoader() {
        return new GroupSimilarityDataLoader<>(TRAIN, LoaderOptions.batchSize(20).withShuffle(9));
    }

    private static GroupSimilarityDataLoader<float[]> valLoader() {
        return new GroupSimilarityDataLoader<>(VAL, LoaderOptions.batchSize(40));
    }

    private static TrainerConfig config(int epochs, Path out) {
        TrainerConfig c = TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withOutputDir(out)
                .withEarlyStopping(new EarlyStopping("validation_loss", true, 100, 0));
        return out == null ? c : c.withCheckpoints(1, 2);
    }

    @Test
    void aDivergedRunKeepsAndRestoresTheBestCheckpoint() throws Exception {
        // the learning rate jumps x1e6 from epoch 4 on (8 steps per epoch): validation loss explodes
        TrainerConfig cfg = config(7, tmp).withSchedule((step, total) -> step >= 4 * 8 ? 1e6 : 1.0)
                ;
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult result = Quaterion.fit(model, cfg, trainLoader(), valLoader());
            double bestValue = result.epochs().stream().mapToDouble(r -> r.get("validation_loss")).min()
                    .orElseThrow();
            assertTrue(result.bestEpoch() >= 1 && result.bestEpoch() <= 5, "best epoch " + result.bestEpoch()
                    + " in " + result.epochs());
            assertEquals(bestValue, result.bestValues().get("validation_loss"));
            double last = result.epochs().get(6).get("validation_loss");
            assertTrue(last > bestValue * 1.2, "the run diverged: " + bestValue + " -> " + last);
            assertNotNull(result.bestCheckpoint(), "the best checkpoint survives pruning");
            assertEquals(tmp.resolve("checkpoints").resolve(String.format("epoch-%04d", result.bestEpoch())),
                    result.bestCheckpoint());
            assertTrue(Files.isDirectory(result.bestCheckpoint()));
            assertEquals(3, Checkpoint.list(tmp).size(), "the 2 newest plus the best");
            assertTrue(result.restoredBest());
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> best = Checkpoint.read(result.bestCheckpoint(), m).parameters();
                model.trainableParameters().forEach((k, v) -> assertArrayEquals(best.get(k).toFloatArray(),
                        v.toFloatArray(), "parameter " + k + " is the best epoch's"));
            }
        }
    }

    @Test
    void epochsAreNumberedFromOneInTheResultMetricsCheckpointsReportAndRecord() throws Exception {
        // the best epoch is not the last: the learning rate jumps x1e6 after epoch 3 (8 steps per epoch)
        TrainerConfig cfg = config(5, tmp).withSchedule((step, total) -> step >= 3 * 8 ? 1e6 : 1.0)
                ;
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult result = Quaterion.fit(model, cfg, trainLoader(), valLoader());
            int best = result.bestEpoch();
            assertTrue(best >= 1 && best < 5, "best epoch " + best + " of " + result.epochs());
            for (int i = 0; i < 5; i++) {
                assertEquals(i + 1, result.epochs().get(i).epoch(), "the first epoch is epoch 1");
            }
            // metrics.csv: the epoch column counts from 1, and row <best> holds the best values
            List<String> csv = Files.readAllLines(tmp.resolve("metrics.csv"));
            List<String> columns = List.of(csv.get(0).split(","));
            for (int i = 1; i <= 5; i++) {
                assertEquals(String.valueOf(i), csv.get(i).split(",")[0], csv.toString());
            }
            double bestLoss = Double.parseDouble(csv.get(best).split(",")[columns.indexOf("validation_loss")]);
            assertEquals(result.bestValues().get("validation_loss"), bestLoss, 1e-6 * Math.abs(bestLoss));
            // the checkpoint named after the best epoch holds it
            assertEquals(Checkpoint.directory(tmp, best), result.bestCheckpoint());
            try (NDManager m = NDManager.newBaseManager()) {
                Checkpoint c = Checkpoint.read(result.bestCheckpoint(), m);
                assertEquals(best, c.completedEpochs());
                assertEquals(best, c.bestEpoch());
            }
            // the report's header, curve captions and axis ticks use the same numbers
            String report = Files.readString(tmp.resolve("report.html"));
            assertTrue(report.contains("best epoch</th><td style=\"text-align:left\">" + best + " (validation_loss"),
                    "report header names epoch " + best);
            assertTrue(report.contains("validation_loss best " + ReportCharts.format(result.bestValues()
                    .get("validation_loss")) + " at epoch " + best), "curve caption names epoch " + best);
            assertTrue(report.contains("text-anchor=\"middle\">1</text>")
                    && !report.contains("text-anchor=\"middle\">0</text>"), "the epoch axis starts at 1");
            // the servable's training record
            model.saveServable(tmp.resolve("servable"));
            com.google.gson.JsonObject training = org.quaterion.models.io.JsonFiles.read(
                    tmp.resolve("servable/config.json")).getAsJsonObject("training");
            assertEquals(best, training.get("best_epoch").getAsInt());
        }
    }

    @Test
    void withoutRestoreBestTheLastWeightsStay() throws Exception {
        TrainerConfig cfg = config(3, tmp).withSchedule((step, total) -> step >= 2 * 8 ? 1e6 : 1.0)
                .withRestoreBest(false);
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult result = Quaterion.fit(model, cfg, trainLoader(), valLoader());
            assertFalse(result.restoredBest());
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> last = Checkpoint.read(Checkpoint.latest(tmp), m).parameters();
                model.trainableParameters().forEach((k, v) -> assertArrayEquals(last.get(k).toFloatArray(),
                        v.toFloatArray()));
            }
        }
    }

    @Test
    void aNanLossNamesEpochAndStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        AlteredTripletLoss nanAtCall20 = new AlteredTripletLoss() {
            @Override
            NDArray alter(int call, LossInputs in, NDArray loss) {
                return call == 20 ? loss.mul(Float.NaN) : loss;
            }
        };
        try (TrainingTest.Model model = new TrainingTest.Model(nanAtCall20, null)) {
            // 8 training steps per epoch, no validation: call 20 is step 19, in epoch 3 (epochs count from 1)
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Quaterion.fit(model,
                    config(5, tmp).withEarlyStopping(null), trainLoader(), null));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("epoch 3")
                    && e.getMessage().contains("step 19"), e.getMessage());
        }
        assertEquals(tmp.resolve("checkpoints/epoch-0002"), Checkpoint.latest(tmp));
    }

    @Test
    void checkpointsSortByEpochNumberNotByName() throws Exception {
        for (int epoch : new int[] {9998, 9999, 10000, 10001}) {
            Path dir = Files.createDirectories(Checkpoint.directory(tmp, epoch));
            Files.writeString(dir.resolve("state.json"), "{}");
        }
        List<Path> all = Checkpoint.list(tmp);
        assertEquals(List.of(9998, 9999, 10000, 10001), all.stream().map(Checkpoint::epochOf).toList());
        assertEquals(Checkpoint.directory(tmp, 10001), Checkpoint.latest(tmp));
    }

    @Test
    void aStateWithoutChecksumsIsAClearError() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(dir.resolve("state.json"), "{\"format\": 1, \"completed_epochs\": 1}");
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(dir, m));
            assertTrue(e.getMessage().contains("no \"sha256\"") && e.getMessage().contains(dir.toString()),
                    e.getMessage());
        }
    }

    @Test
    void resumingFromAnOlderCheckpointRewritesMetricsWithoutDuplicates() throws Exception {
        TrainerConfig cfg = config(4, tmp).withCheckpoints(1, 5).withRestoreBest(false);
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, cfg, trainLoader(), valLoader());
        }
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, cfg, trainLoader(), valLoader(), Checkpoint.directory(tmp, 2));
        }
        List<String> csv = Files.readAllLines(tmp.resolve("metrics.csv"));
        assertEquals(5, csv.size(), "header + 4 epochs: " + csv);
        for (int i = 1; i <= 4; i++) {
            assertTrue(csv.get(i).startsWith(i + ","), csv.toString());
        }
    }

    @Test
    void checkpointsAndServablesRecordHowTheModelWasTrainedAndResumeRefusesOtherSettings() throws Exception {
        TrainerConfig cfg = config(3, tmp).withCheckpoints(1, 5);
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult result = Quaterion.fit(model, cfg, trainLoader(), valLoader());
            Path servable = tmp.resolve("servable");
            model.saveServable(servable);
            try (org.quaterion.models.SimilarityModel<float[]> loaded = org.quaterion.models.SimilarityModel.load(
                    servable, org.quaterion.models.ModelRegistry.discover().register(
                            org.quaterion.models.TestModels.lambdaFactory("identity", x -> x)), null, float[].class)) {
                com.google.gson.JsonObject training = loaded.training();
                assertEquals("triplet", training.getAsJsonObject("loss").get("type").getAsString());
                assertEquals(new TripletLoss().config(), org.quaterion.registry.ComponentRegistry.discover()
                        .loss(training.getAsJsonObject("loss")).config(), "the recorded loss rebuilds");
                assertEquals("Adam", training.getAsJsonObject("optimizer").get("type").getAsString());
                assertEquals(42, training.get("seed").getAsLong());
                assertEquals(TRAIN.size(), training.getAsJsonObject("data").get("train_samples").getAsInt());
                assertEquals(3, training.get("epochs_run").getAsInt());
                assertEquals("max_epochs", training.get("stopped_by").getAsString());
                assertEquals(result.bestEpoch(), training.get("best_epoch").getAsInt());
                assertTrue(training.has("started") && training.has("ended") && training.has("library_version"));
            }
        }
        Path ckpt = Checkpoint.directory(tmp, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals("triplet", Checkpoint.read(ckpt, m).training().getAsJsonObject("loss").get("type")
                    .getAsString());
        }
        try (TrainingTest.Model model = new TrainingTest.Model(TripletLoss.builder().optMargin(0.9)
                .optDistance(org.quaterion.distance.Distance.cosine()).optMining(TripletLoss.Mining.HARD)
                .optSmooth(false).build(), null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    cfg, trainLoader(), valLoader(), ckpt));
            assertTrue(e.getMessage().contains("set up differently: loss:") && e.getMessage().contains(
                    "withResumeMismatchAllowed"), e.getMessage());
        }
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    cfg.withSeed(7), trainLoader(), valLoader(), ckpt));
            assertTrue(e.getMessage().contains("seed: 42 in the checkpoint, 7 now"), e.getMessage());
        }
        try (TrainingTest.Model model = new TrainingTest.Model(TripletLoss.builder().optMargin(0.9)
                .optDistance(org.quaterion.distance.Distance.cosine()).optMining(TripletLoss.Mining.HARD)
                .optSmooth(false).build(), null)) {
            FitResult allowed = Quaterion.fit(model, cfg.withResumeMismatchAllowed(true), trainLoader(), valLoader(),
                    ckpt);
            assertEquals(3, allowed.epochs().size(), "the opt-in resumes");
        }
    }

    @Test
    void aScheduleReturningNanOrANegativeFactorIsRejected() throws Exception {
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Quaterion.fit(model,
                    config(1, null).withSchedule((s, t) -> s == 3 ? Double.NaN : 1.0),
                    trainLoader(), valLoader()));
            assertTrue(e.getMessage().contains("factor NaN at step 3"), e.getMessage());
        }
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            assertThrows(IllegalStateException.class, () -> Quaterion.fit(model, config(1, null)
                    .withSchedule((s, t) -> -0.5), trainLoader(), valLoader()));
        }
    }
}
