package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.TripletLoss;

/**
 * A second {@code fit} of the same model continues from its current weights with a fresh optimizer (as each
 * {@code trainer.fit} in PyTorch Lightning calls {@code configure_optimizers}): it trains exactly as a first fit of a
 * new model that starts from those weights.
 */
class FitTwiceTest {

    private static final TrainerConfig CONFIG = TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false)
            .withEarlyStopping(null);

    private static GroupSimilarityDataLoader<float[]> train() {
        return new GroupSimilarityDataLoader<>(TrainingTest.groups(10, 1), LoaderOptions.batchSize(16).withShuffle(3));
    }

    private static Map<String, float[]> weights(TrainableModel<?> model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.trainableParameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void aSecondFitContinuesFromTheCurrentWeightsWithAFreshOptimizer() throws Exception {
        Map<String, float[]> afterFirst;
        FitResult second;
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            FitResult first = Quaterion.fit(model, CONFIG, train(), null);
            afterFirst = weights(model);
            second = Quaterion.fit(model, CONFIG, train(), null);
            assertEquals(2, second.epochs().size(), "the second fit runs its own epochs");
            assertFalse(first.stepLosses().get(0).equals(second.stepLosses().get(0)),
                    "the second fit does not start from the initial weights");
            assertEquals(1, model.trainingRecord().get("earlier_fits").getAsInt());
        }
        // the reference: a new model given the weights after the first fit, fitted once
        try (TrainingTest.Model reference = new TrainingTest.Model(new TripletLoss(), null)) {
            reference.model();
            for (Map.Entry<String, NDArray> p : reference.trainableParameters().entrySet()) {
                NDArray values = p.getValue().getManager().create(afterFirst.get(p.getKey()), p.getValue().getShape());
                p.getValue().set(new NDIndex("..."), values);
                values.close();
            }
            FitResult expected = Quaterion.fit(reference, CONFIG, train(), null);
            assertEquals(expected.stepLosses(), second.stepLosses(),
                    "the second fit trains as a first fit from the same weights: fresh optimizer state");
            assertFalse(reference.trainingRecord().has("earlier_fits"));
        }
    }
}
