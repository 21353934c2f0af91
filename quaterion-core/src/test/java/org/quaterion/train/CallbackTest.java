package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.TripletLoss;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;

/** User callbacks: events, stop requests, state through checkpoints, and the reduce-on-plateau callback. */
class CallbackTest {

    @TempDir
    Path tmp;

    /** Sums every step's loss and counts the updates: state that only an exact resume reproduces bit for bit. */
    static final class LossSum implements Callback, Stateful {
        double sum;
        long updates;
        final List<String> events = new ArrayList<>();

        @Override
        public void onFitStart(TrainingContext context) {
            events.add("fit-start " + context.completedEpochs());
        }

        @Override
        public void onEpochStart(TrainingContext context) {
            events.add("epoch-start " + context.epoch());
        }

        @Override
        public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
            sum = sum * 0.5 + batch.loss();
            updates += batch.updated() ? 1 : 0;
        }

        @Override
        public void onValidationEnd(TrainingContext context, Map<String, Double> metrics) {
            events.add("validation-end " + metrics.containsKey("validation_loss"));
        }

        @Override
        public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
            events.add("epoch-end " + context.epoch());
        }

        @Override
        public ComponentState saveState(NDManager manager) {
            JsonObject values = new JsonObject();
            values.addProperty("sum", Double.toString(sum));
            values.addProperty("updates", updates);
            return ComponentState.of(values);
        }

        @Override
        public void loadState(ComponentState state) {
            sum = Double.parseDouble(state.values().get("sum").getAsString());
            updates = state.values().get("updates").getAsLong();
        }
    }

    private static GroupSimilarityDataLoader<float[]> loader() {
        return new GroupSimilarityDataLoader<>(TrainingTest.groups(10, 2), LoaderOptions.batchSize(16).withShuffle(5));
    }

    private static GroupSimilarityDataLoader<float[]> validation() {
        return new GroupSimilarityDataLoader<>(TrainingTest.groups(5, 9), LoaderOptions.batchSize(40));
    }

    private static TrainerConfig config(int epochs, Path out, Callback callback) {
        return TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withOutputDir(out)
                .withCheckpoints(1, 10).withCallback(callback);
    }

    @Test
    void aUserCallbacksStateSurvivesResumeExactly() throws Exception {
        LossSum straight = new LossSum();
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, config(4, tmp.resolve("full"), straight), loader(), validation());
        }
        Path half = tmp.resolve("half");
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, config(2, half, new LossSum()), loader(), validation());
        }
        LossSum resumed = new LossSum();
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, config(4, half, resumed), loader(), validation(), Checkpoint.latest(half));
        }
        assertTrue(straight.updates > 0);
        assertEquals(straight.updates, resumed.updates, "updates counted across the resume");
        assertEquals(straight.sum, resumed.sum, 0.0, "the resumed state continues bit for bit");
        assertEquals(List.of("fit-start 2", "epoch-start 3", "validation-end true", "epoch-end 3", "epoch-start 4",
                "validation-end true", "epoch-end 4"), resumed.events);
    }

    @Test
    void aCallbackStopsTheRunAtEpochEndOrMidEpoch() throws Exception {
        Callback afterTwo = new Callback() {
            @Override
            public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
                if (context.epoch() == 2) {
                    context.requestStop("two epochs are enough");
                }
            }
        };
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult r = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(5).withProgressBar(false)
                    .withCallback(afterTwo), loader(), validation());
            assertEquals(2, r.epochs().size());
            assertTrue(r.stoppedEarly() && !r.interrupted());
        }
        Callback afterThreeSteps = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
                if (context.globalStep() == 3) {
                    context.requestStop("budget");
                }
            }
        };
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult r = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(5).withProgressBar(false)
                    .withCallback(afterThreeSteps), loader(), validation());
            assertEquals(3, r.stepLosses().size(), "stopped after the step that asked");
            assertTrue(r.interrupted() && r.epochs().isEmpty(), "the unfinished epoch is not recorded");
        }
    }

    @Test
    void reduceOnPlateauLowersTheRateAndItsStateIsCheckpointed() throws Exception {
        // no change reaches a minDelta of 1e9: every epoch after the first is a plateau epoch
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(new Monitor("validation_loss", true, 1e9), 0.5, 2, 0.1);
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult r = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(9).withProgressBar(false)
                    .withEarlyStopping(null).withCallback(plateau), loader(), validation());
            double base = r.epochs().get(0).get("lr");
            double[] factors = r.epochs().stream().mapToDouble(e -> e.get("lr") / base).toArray();
            // epoch 1 sets the best; epochs 2-3 are a plateau (factor 0.5 from epoch 4), 4-5 (0.25 from 6), …
            assertEquals(1.0, factors[2], 1e-12);
            assertEquals(0.5, factors[3], 1e-12);
            assertEquals(0.25, factors[5], 1e-12);
            assertEquals(0.125, factors[7], 1e-12);
        }
        ComponentState saved = plateau.saveState(null);
        assertTrue(saved.values().has("best") && saved.values().has("bad_epochs"));
    }

    @Test
    void misconfiguredCallbacksAreRefusedWithTheFix() {
        Callback a = new Callback() {
            @Override
            public String name() {
                return "mine";
            }
        };
        TrainerConfig withA = TrainerConfig.defaults().withCallback(a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withA.withCallback(a));
        assertTrue(e.getMessage().contains("two callbacks named 'mine'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults().withEarlyStopping(null)
                .withRestoreBest(true));
        assertTrue(e.getMessage().contains("needs a monitored value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults().withCheckpoints(1, 1));
        assertTrue(e.getMessage().contains("need an output directory"), e.getMessage());
    }

    @Test
    void attachedMetricsAreLoggedAsTheirLogOptionsSay() throws Exception {
        var rrp = org.quaterion.eval.SampleMetric.retrievalRPrecision(org.quaterion.distance.Distance.cosine());
        var all = java.util.EnumSet.allOf(org.quaterion.eval.AttachedMetric.Stage.class);
        List<org.quaterion.eval.AttachedMetric> metrics = List.of(
                new org.quaterion.eval.AttachedMetric("filed", rrp, all, org.quaterion.eval.AttachedMetric.LogOptions
                        .defaults()),
                new org.quaterion.eval.AttachedMetric("unfiled", rrp, all,
                        new org.quaterion.eval.AttachedMetric.LogOptions(false, true, false, true)),
                new org.quaterion.eval.AttachedMetric("stepOnly", rrp, all,
                        new org.quaterion.eval.AttachedMetric.LogOptions(true, false, true, false)));
        Path out = tmp.resolve("logged");
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null, 16, 0.1, metrics)) {
            FitResult r = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false)
                    .withOutputDir(out), loader(), validation());
            var row = r.epochs().get(0).values().keySet();
            assertTrue(row.contains("filed_validation") && row.contains("unfiled_validation"), row.toString());
            assertTrue(!row.contains("stepOnly_train"), "onEpoch=false keeps it out of the epoch row: " + row);
        }
        String header = java.nio.file.Files.readAllLines(out.resolve("metrics.csv")).get(0);
        assertTrue(header.contains("filed_train") && !header.contains("unfiled"), header);
    }
}
