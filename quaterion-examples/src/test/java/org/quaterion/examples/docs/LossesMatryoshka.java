package org.quaterion.examples.docs;

import java.util.List;
import java.util.Map;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.Evaluator;
import org.quaterion.eval.PairSampler;
import org.quaterion.eval.SampleMetric;
import org.quaterion.loss.MatryoshkaLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.SimilarityModel;

/** docs/losses.md, Matryoshka embeddings. */
final class LossesMatryoshka {

    private LossesMatryoshka() {}

    static void matryoshka(SimilarityModel<String> model, List<String> texts,
            List<SimilarityPairSample<String>> testPairs) {
        // snippet-start
        PairwiseLoss loss = MatryoshkaLoss.of(new MultipleNegativesRankingLoss(),
                MatryoshkaLoss.halvings(384, 4), null);                 // 384, 192, 96, 48 dims, weight 1 each
        // after training: serve 96-value vectors, unit length again for a cosine or dot-product index
        float[][] short96 = model.encode(texts, 64, 96, true);
        // and see what each prefix keeps: "mrr@384", "mrr@192", ...
        Map<String, Double> levels = new Evaluator<>(Map.of("mrr", SampleMetric.retrievalReciprocalRank(Distance.cosine())),
                new PairSampler<String>(-1, true, 256, 42)).evaluate(testPairs, model, 384, 192, 96, 48);
        // snippet-end
    }
}
