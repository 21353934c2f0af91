package org.quaterion.examples.docs;

import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.dataset.ScoredPairDataLoader;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.score.ListwiseCrossEntropyLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.onnx.CrossEncoder;
import org.quaterion.onnx.CrossEncoderModel;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/** docs/rerankers.md, cross-encoders: train a small one, save it, load it and score. */
final class RerankersCrossEncoder {

    private RerankersCrossEncoder() {}

    static float[] trainSaveLoadScore(Path runs) throws IOException {
        // snippet-start
        // MiniLM reading (query, document) pairs, with LoRA adapters, and a fresh head of one relevance logit
        class Reranker extends TrainableModel<Pair<String, String>> {
            @Override
            protected Map<String, Encoder<Pair<String, String>>> configureEncoders() {
                return Map.of("cross", CrossEncoder.of(MiniLm.trainable().maxLength(64).lora(LoraConfig.of(4))));
            }

            @Override
            protected EncoderHead configureHead(int inputSize) {
                return CrossEncoder.scoringHead(inputSize, 1);
            }

            @Override
            protected SimilarityLoss configureLoss() {
                return new ListwiseCrossEntropyLoss(); // each query's list: one positive, the rest negatives
            }
        }
        // a query's pairs share its group: here each query's positive and the other queries' documents
        String[][] data = {{"what barks", "a dog"}, {"what meows", "a cat"}, {"what quacks", "a duck"}};
        List<ScoredPair<String, String>> pairs = new ArrayList<>();
        for (int q = 0; q < data.length; q++) {
            for (String[] other : data) {
                pairs.add(new ScoredPair<>(data[q][0], other[1], other == data[q] ? 1 : 0, q));
            }
        }
        try (Reranker reranker = new Reranker()) {
            Quaterion.fit(reranker, TrainerConfig.defaults().withMaxEpochs(2).withOutputDir(runs.resolve("reranker")),
                    new ScoredPairDataLoader<>(pairs, LoaderOptions.batchSize(2).withShuffle(42)), null);
            reranker.saveServable(runs.resolve("reranker/servable"));
        }
        float[] scores;
        try (CrossEncoderModel scorer = CrossEncoderModel.load(runs.resolve("reranker/servable"))) {
            scores = scorer.score("what barks", List.of("a dog", "a cat", "a duck")); // logits, higher is better
        }
        // snippet-end
        return scores;
    }
}
