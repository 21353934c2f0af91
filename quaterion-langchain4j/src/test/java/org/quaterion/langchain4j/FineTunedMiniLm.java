package org.quaterion.langchain4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * A servable fine-tuned as an application would: frozen all-MiniLM-L6-v2 (int8, from the Maven jar; its outputs
 * cached) under a trainable skip-connection head, trained on question → passage pairs with the multiple negatives
 * ranking loss (every other passage of the batch is a negative).
 */
final class FineTunedMiniLm extends TrainableModel<String> {

    @Override
    protected Map<String, Encoder<String>> configureEncoders() {
        return Map.of("text", MiniLm.int8());
    }

    @Override
    protected EncoderHead configureHead(int inputSize) {
        return new SkipConnectionHead(inputSize);
    }

    @Override
    protected SimilarityLoss configureLoss() {
        return new MultipleNegativesRankingLoss();
    }

    @Override
    protected GradientOptimizer configureOptimizer() {
        return Adam.of(5e-3);
    }

    @Override
    protected CacheConfig<String> configureCaches() {
        return CacheConfig.of(CacheType.AUTO);
    }

    /**
     * Fine-tunes on the pairs and saves the servable.
     *
     * @param pairs question → passage pairs, score 1
     * @param epochs training epochs
     * @param out where the servable goes
     * @return {@code out}
     * @throws IOException when saving fails
     */
    static Path train(List<SimilarityPairSample<String>> pairs, int epochs, Path out) throws IOException {
        try (FineTunedMiniLm model = new FineTunedMiniLm()) {
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withEarlyStopping(null),
                    new PairsSimilarityDataLoader<>(pairs, LoaderOptions.batchSize(10).withShuffle(7)), null);
            model.saveServable(out);
        }
        return out;
    }
}
