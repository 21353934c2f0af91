package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.TripletLoss;

/** Values a callback adds to the epoch row, and the evaluated weights it measures them on. */
class EpochValuesTest {

    private static GroupSimilarityDataLoader<float[]> loader() {
        return new GroupSimilarityDataLoader<>(TrainingTest.groups(10, 2), LoaderOptions.batchSize(16).withShuffle(5));
    }

    private static double sum(Map<String, NDArray> weights) {
        return weights.values().stream().mapToDouble(w -> w.sum().getFloat()).sum();
    }

    /** Adds the weight sum seen inside withEvaluatedWeights; records the sums around it. */
    static final class Probe implements Callback {
        final List<double[]> sums = new ArrayList<>();

        @Override
        public void beforeEpochEnd(TrainingContext context) {
            double trained = sum(context.parameters());
            double average = sum(context.evaluatedWeights());
            double[] inside = new double[1];
            context.withEvaluatedWeights(() -> inside[0] = sum(context.parameters()));
            sums.add(new double[] {trained, average, inside[0], sum(context.parameters())});
            context.addEpochValue("probe", inside[0]);
        }
    }

    @Test
    void evaluatedWeightsAreSwappedInAndBackAndTheValueReachesTheRowAndMonitor() throws Exception {
        Probe probe = new Probe();
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(3).withProgressBar(false)
                    .withCallback(probe).withCallback(new ExponentialMovingAverage(0.5))
                    .withEarlyStopping(new EarlyStopping("probe", false, 10, 0)), loader(), null);
            for (int e = 0; e < 3; e++) {
                double[] s = probe.sums.get(e);
                assertNotEquals(s[0], s[1], "the average differs from the trained weights");
                assertEquals(s[1], s[2], 1e-4, "inside the action the model holds the average");
                assertEquals(s[0], s[3], 0.0, "afterwards the trained weights are back exactly");
                assertEquals(s[2], result.epochs().get(e).values().get("probe"), 0.0);
            }
            double best = result.epochs().stream().mapToDouble(r -> r.values().get("probe")).max().orElseThrow();
            assertEquals(best, result.bestValues().get("probe"));
        }
    }

    @Test
    void addingOutsideTheHookOrTwiceIsRefused() throws Exception {
        Callback early = new Callback() {
            @Override
            public void onEpochStart(TrainingContext context) {
                context.addEpochValue("x", 1);
            }
        };
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Quaterion.fit(model,
                    TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false).withCallback(early), loader(),
                    null));
            assertEquals("addEpochValue(x) is only possible in Callback.beforeEpochEnd, while the epoch's row is "
                    + "open; move the call there", e.getMessage());
        }
        Callback clash = new Callback() {
            @Override
            public void beforeEpochEnd(TrainingContext context) {
                context.addEpochValue("train_loss", 1);
            }
        };
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false).withCallback(clash), loader(),
                    null));
            assertEquals("epoch value 'train_loss' is blank or already in the row [epoch, global_step, lr, "
                    + "train_loss, rrp_train]; give each value a distinct name (a prefix per evaluator)", e.getMessage());
        }
    }
}
