package org.quaterion.examples.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.Checkpoint;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/** The example callback, plugged into a fit from outside the library. */
class BudgetCsvLoggerTest {

    @TempDir
    Path tmp;

    /** A frozen identity encoder and a trainable linear head. */
    static final class Tiny extends TrainableModel<float[]> {
        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("x", TestModels.lambdaEncoder("identity", 8, x -> x));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return LinearHead.builder().setInputSize(inputSize).setOutputSize(4).build();
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new TripletLoss();
        }
    }

    private static GroupSimilarityDataLoader<float[]> loader() {
        Random random = new Random(3);
        List<float[]> objects = new ArrayList<>();
        long[] labels = new long[40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4;
            float[] x = new float[8];
            for (int j = 0; j < 8; j++) {
                x[j] = (j % 4 == i % 4 ? 2f : 0f) + (float) random.nextGaussian();
            }
            objects.add(x);
        }
        return new GroupSimilarityDataLoader<>(Datasets.fromClassification(objects, labels),
                LoaderOptions.batchSize(10).withShuffle(1));
    }

    @Test
    void itLogsEveryEpochAndStopsWhenTheBudgetIsSpentAcrossAResume() throws Exception {
        AtomicLong ticks = new AtomicLong(); // a clock that advances one second each time it is read
        Path out = tmp.resolve("run");
        Path csv = tmp.resolve("budget.csv");
        TrainerConfig config = TrainerConfig.defaults().withEarlyStopping(null).withProgressBar(false)
                .withMaxEpochs(3).withOutputDir(out).withCheckpoints(1, 5);
        BudgetCsvLogger first = new BudgetCsvLogger(csv, Duration.ofSeconds(1000),
                () -> ticks.addAndGet(1_000_000_000L));
        try (Tiny model = new Tiny()) {
            FitResult r = Quaterion.fit(model, config.withCallback(first), loader(), null);
            assertEquals(3, r.epochs().size(), "a large budget lets every epoch run");
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,step,train_loss,learning_rate,seconds", lines.get(0));
        assertEquals(4, lines.size(), "a header and one row per epoch: " + lines);
        assertTrue(lines.get(3).startsWith("3,12,"), lines.get(3));

        // resumed from epoch 3 with a budget the first run already spent: the next step stops the run
        BudgetCsvLogger resumed = new BudgetCsvLogger(csv, first.spent(), () -> ticks.addAndGet(1_000_000_000L));
        try (Tiny model = new Tiny()) {
            FitResult r = Quaterion.fit(model, config.withMaxEpochs(6).withCallback(resumed), loader(), null,
                    Checkpoint.latest(out));
            assertTrue(r.interrupted(), "stopped by the budget");
            assertEquals(1, r.stepLosses().size(), "one more step, then the stop");
        }
        assertTrue(resumed.spent().compareTo(first.spent()) > 0, "the spent time continues from the checkpoint");
    }
}
