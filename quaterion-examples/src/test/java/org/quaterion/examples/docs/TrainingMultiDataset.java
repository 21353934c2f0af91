package org.quaterion.examples.docs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.MultiDatasetLoader;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.sampler.NoDuplicatesBatchSampler;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/** docs/training.md, several datasets in one fit. */
final class TrainingMultiDataset {

    private TrainingMultiDataset() {}

    static void train(Encoder<String> encoder, List<SimilarityPairSample<String>> nliPairs,
            List<SimilarityGroupSample<String>> topics, TrainerConfig config) throws IOException {
        // snippet-start
        var train = MultiDatasetLoader.<String>builder(MultiDatasetLoader.Sampling.PROPORTIONAL).optSeed(42)
                .add("nli", new PairsSimilarityDataLoader<>(nliPairs, LoaderOptions.batchSize(32).withBatchSampler(
                        NoDuplicatesBatchSampler.builder(nliPairs, SimilarityPairSample::records, 32).optSeed(42)
                                .build())))
                .add("topics", new GroupSimilarityDataLoader<>(topics, LoaderOptions.batchSize(64).withShuffle(42)))
                .build();

        class TwoTaskModel extends TrainableModel<String> {
            @Override protected Map<String, Encoder<String>> configureEncoders() { return Map.of("enc", encoder); }
            @Override protected EncoderHead configureHead(int inputSize) { return new SkipConnectionHead(inputSize); }
            @Override protected SimilarityLoss configureLoss() { return new TripletLoss(); }   // "topics", any other
            @Override protected Map<String, SimilarityLoss> configureDatasetLosses() {
                return Map.of("nli", new MultipleNegativesRankingLoss());
            }
        }
        try (var model = new TwoTaskModel()) {
            Quaterion.fit(model, config, train, null);   // validation: one loader, or another MultiDatasetLoader
        }
        // snippet-end
    }
}
