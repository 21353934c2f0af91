package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.miner.DistanceWeightedMiner;
import org.quaterion.miner.Miner;
import org.quaterion.miner.UniformHistogramMiner;

/** A sampling miner's position in its random stream is checkpointed: a resumed run draws what the uninterrupted did. */
class SamplingMinerResumeTest {

    @TempDir
    Path tmp;

    private static TrainingTest.Model model(Supplier<Miner> miner) {
        return new TrainingTest.Model(new TripletMarginLoss(), null) {
            @Override
            protected Miner configureMiner() {
                return miner.get();
            }
        };
    }

    private static GroupSimilarityDataLoader<float[]> loader(List<SimilarityGroupSample<float[]>> train) {
        return new GroupSimilarityDataLoader<>(train, LoaderOptions.batchSize(20).withShuffle(9));
    }

    private static TrainerConfig config(Path out) {
        return TrainerConfig.defaults().withMaxEpochs(3).withProgressBar(false).withOutputDir(out);
    }

    @Test
    void resumedRunsDrawTheUninterruptedRunsTuples() throws Exception {
        List<SimilarityGroupSample<float[]>> train = TrainingTest.groups(10, 2);
        int perEpoch = 4;
        for (Supplier<Miner> miner : List.<Supplier<Miner>>of(() -> DistanceWeightedMiner.builder().optSeed(5).build(),
                () -> UniformHistogramMiner.builder().optNumBins(8).optSeed(5).build())) {
            String name = miner.get().getClass().getSimpleName();
            Path a = tmp.resolve(name + "-a");
            Path b = tmp.resolve(name + "-b");
            List<Double> uninterrupted;
            try (TrainingTest.Model model = model(miner)) {
                uninterrupted = Quaterion.fit(model, config(a), loader(train), null).stepLosses();
            }
            try (TrainingTest.Model model = model(miner)) {
                model.crashAfterSteps = perEpoch + 2; // killed during epoch 2, after epoch 1's checkpoint
                assertThrows(IllegalStateException.class, () -> Quaterion.fit(model,
                        config(b).withCheckpoints(1, 5), loader(train), null));
            }
            List<Double> resumed;
            try (TrainingTest.Model model = model(miner)) {
                resumed = Quaterion.fit(model, config(b), loader(train), null, b.resolve("checkpoints/epoch-0001"))
                        .stepLosses();
            }
            assertEquals(2 * perEpoch, resumed.size(), name);
            for (int i = 0; i < resumed.size(); i++) {
                assertEquals(uninterrupted.get(perEpoch + i), resumed.get(i), 1e-6, name + " step " + (perEpoch + i));
            }
        }
    }
}
