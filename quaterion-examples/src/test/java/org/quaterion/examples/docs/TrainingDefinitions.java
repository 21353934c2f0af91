package org.quaterion.examples.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.eval.SampleMetric;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/** docs/training.md. */
final class TrainingDefinitions {

    private TrainingDefinitions() {}

    static void train(Encoder<float[]> frozenEncoder, List<SimilarityGroupSample<float[]>> trainSamples,
            List<SimilarityGroupSample<float[]>> valSamples) throws IOException {
        // snippet-start
        class DefinitionsModel extends TrainableModel<float[]> {
            @Override protected Map<String, Encoder<float[]>> configureEncoders() { return Map.of("text", frozenEncoder); }
            @Override protected EncoderHead configureHead(int inputSize) { return new SkipConnectionHead(inputSize); }
            @Override protected SimilarityLoss configureLoss() { return new TripletLoss(); }            // Quaterion defaults
            @Override protected GradientOptimizer configureOptimizer() { return Adam.of(1e-3); }                // the default
            @Override protected List<AttachedMetric> configureMetrics() {
                return List.of(AttachedMetric.of("rrp", SampleMetric.retrievalRPrecision(Distance.cosine())));
            }
        }

        var train = new GroupSimilarityDataLoader<>(trainSamples, LoaderOptions.batchSize(64).withBatchSampler(
                new BalanceSampler(GroupSimilarityDataLoader.groupsOf(trainSamples), 8, 8, 42)));
        var val = new GroupSimilarityDataLoader<>(valSamples, LoaderOptions.batchSize(256));
        try (var model = new DefinitionsModel()) {
            FitResult result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(20)
                    .withOutputDir(Path.of("runs/defs")), train, val);
            model.saveServable(Path.of("models/defs"));   // SimilarityModel.load(dir, String.class) in the service
        }
        // snippet-end
    }
}
