package org.quaterion.examples.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/** README.md, training. */
final class ReadmeTraining {

    private ReadmeTraining() {}

    static void train(List<SimilarityGroupSample<float[]>> samples,
            GroupSimilarityDataLoader<float[]> validation) throws IOException {
        // snippet-start
        try (var model = new MyModel()) {                 // configureEncoders / configureHead / configureLoss
            var train = new GroupSimilarityDataLoader<>(samples, LoaderOptions.batchSize(64).withBatchSampler(
                    new BalanceSampler(GroupSimilarityDataLoader.groupsOf(samples), 8, 8, 42)));   // P labels × K
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(20).withOutputDir(Path.of("runs/a")),
                    train, validation);                   // early stopping, metrics.csv, checkpoints, progress bar
            model.saveServable(Path.of("models/a"));      // SimilarityModel.load(dir, float[].class) in the service
        }
        // snippet-end
    }
}
