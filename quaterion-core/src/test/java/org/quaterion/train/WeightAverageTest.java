package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.TripletLoss;

/**
 * The weights' exponential moving average: the update formula (float64), validation on the averaged weights without
 * touching training, the model ending with the average, and an exact resume of both weights and average.
 */
class WeightAverageTest {

    @TempDir
    Path tmp;

    private static final List<SimilarityGroupSample<float[]>> TRAIN = TrainingTest.groups(20, 2);
    private static final List<SimilarityGroupSample<float[]>> VAL = TrainingTest.groups(10, 3);

    private static GroupSimilarityDataLoader<float[]> trainLoader() {
        return new GroupSimilarityDataLoader<>(TRAIN, LoaderOptions.batchSize(10).withShuffle(9));
    }

    private static GroupSimilarityDataLoader<float[]> valLoader() {
        return new GroupSimilarityDataLoader<>(VAL, LoaderOptions.batchSize(40));
    }

    private static TrainerConfig config(int epochs) {
        return TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withEarlyStopping(null);
    }

    /** A context that offers only what the averaging callbacks read: the parameters and a manager. */
    static TrainingContext context(Map<String, NDArray> params, NDManager manager) {
        return (TrainingContext) java.lang.reflect.Proxy.newProxyInstance(TrainingContext.class.getClassLoader(),
                new Class<?>[] {TrainingContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "parameters" -> params;
                    case "manager" -> manager;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theUpdateIsTheMovingAverageAndValidationSeesItWithTheTrainedWeightsBackAfter() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w", m.create(new double[] {1, 2}));
            double[] expected = {1, 2};
            TrainingContext ctx = context(params, m);
            ExponentialMovingAverage ema = new ExponentialMovingAverage(0.9);
            try {
                ema.onFitStart(ctx);
                double[][] steps = {{3, -1}, {0, 4}, {-2, 2}};
                for (double[] w : steps) {
                    params.get("w").set(new ai.djl.ndarray.index.NDIndex(":"), m.create(w));
                    ema.afterOptimizerStep(ctx);
                    for (int i = 0; i < 2; i++) {
                        expected[i] = 0.9 * expected[i] + 0.1 * w[i];
                    }
                }
                assertArrayEquals(expected, ema.averagedWeights().get("w").toDoubleArray(), 1e-15);
                ema.onValidationStart(ctx);
                assertArrayEquals(expected, params.get("w").toDoubleArray(), 1e-15, "validation sees the average");
                ema.onValidationEnd(ctx, Map.of());
                assertArrayEquals(new double[] {-2, 2}, params.get("w").toDoubleArray(), 0, "trained weights back");
                assertThrows(IllegalArgumentException.class, () -> ema.loadState(new org.quaterion.state
                        .ComponentState(new com.google.gson.JsonObject(), Map.of("v", m.create(new double[2])))));
            } finally {
                ema.close();
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults().withEma(1));
        assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults().withEma(-0.1));
    }

    @Test
    void stochasticWeightAveragingIsTheEqualWeightMeanOfEpochEndsFromItsStartEpoch() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w", m.create(new double[] {1, 2}));
            int[] epoch = {1};
            TrainingContext base = context(params, m);
            TrainingContext ctx = (TrainingContext) java.lang.reflect.Proxy.newProxyInstance(
                    TrainingContext.class.getClassLoader(), new Class<?>[] {TrainingContext.class},
                    (proxy, method, args) -> method.getName().equals("epoch") ? epoch[0] : method.invoke(base, args));
            StochasticWeightAveraging swa = new StochasticWeightAveraging(2);
            try {
                swa.onFitStart(ctx);
                double[][] ends = {{10, 10}, {3, -1}, {0, 4}, {-2, 2}};
                for (double[] w : ends) {
                    params.get("w").set(new ai.djl.ndarray.index.NDIndex(":"), m.create(w));
                    swa.onTrainBatchEnd(ctx, new Callback.BatchEnd(4, 5, 8, 0, 0, Map.of(), true));
                    swa.onEpochEnd(ctx, Map.of()); // the same epoch is averaged once
                    if (epoch[0] == 1) {
                        assertNull(swa.averagedWeights(), "nothing averaged before the start epoch");
                    }
                    epoch[0]++;
                }
                assertArrayEquals(new double[] {1.0 / 3, 5.0 / 3}, swa.averagedWeights().get("w").toDoubleArray(),
                        1e-15);
            } finally {
                swa.close();
            }
        }
    }

    @Test
    void validationUsesTheAverageTrainingDoesNotAndTheModelEndsWithIt() throws Exception {
        FitResult plain;
        float[] plainWeights;
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            plain = Quaterion.fit(model, config(3), trainLoader(), valLoader());
            plainWeights = model.trainableParameters().values().iterator().next().toFloatArray();
        }
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult averaged = Quaterion.fit(model, config(3).withEma(0.8), trainLoader(), valLoader());
            assertEquals(plain.stepLosses(), averaged.stepLosses(), "the average does not change training");
            assertNotEquals(plain.epochs().get(2).get("validation_loss"),
                    averaged.epochs().get(2).get("validation_loss"), "validation runs on the averaged weights");
            float[] weights = model.trainableParameters().values().iterator().next().toFloatArray();
            double diff = 0;
            for (int i = 0; i < weights.length; i++) {
                diff = Math.max(diff, Math.abs(weights[i] - plainWeights[i]));
            }
            assertTrue(diff > 1e-4, "the model ends with the averaged weights, not the last ones");
            assertTrue(model.trainingRecord().getAsJsonObject("trainer").get("callbacks").toString()
                    .contains("ExponentialMovingAverage{decay=0.8}"), "the record names the average");
        }
    }

    @Test
    void aResumedRunContinuesWeightsAndAverageExactly() throws Exception {
        TrainerConfig cfg = config(4).withEma(0.7).withOutputDir(tmp.resolve("full")).withCheckpoints(1, 5);
        Map<String, float[]> full = new LinkedHashMap<>();
        List<Double> fullLosses;
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            fullLosses = Quaterion.fit(model, cfg, trainLoader(), valLoader()).stepLosses();
            model.trainableParameters().forEach((k, v) -> full.put(k, v.toFloatArray()));
        }
        Path half = tmp.resolve("half");
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, config(2).withEma(0.7).withOutputDir(half).withCheckpoints(1, 5), trainLoader(),
                    valLoader());
        }
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult rest = Quaterion.fit(model, cfg.withOutputDir(half), trainLoader(), valLoader(),
                    Checkpoint.latest(half));
            assertEquals(fullLosses.subList(fullLosses.size() - rest.stepLosses().size(), fullLosses.size()),
                    rest.stepLosses());
            model.trainableParameters().forEach((k, v) -> assertArrayEquals(full.get(k), v.toFloatArray(), 1e-6f,
                    "parameter " + k + " (the average) after the resume"));
        }
    }
}
