package org.quaterion.examples.docs;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.distance.Distance;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.SampleMetric;
import org.quaterion.rerank.pairwise.HardPairs;
import org.quaterion.rerank.pairwise.PairFeatures;
import org.quaterion.rerank.pairwise.PairwiseConfig;
import org.quaterion.rerank.pairwise.PairwiseReranker;
import org.quaterion.rerank.pairwise.PairwiseReranking;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/** docs/metrics.md, the pairwise re-ranker. */
final class MetricsPairwiseReranker {

    private MetricsPairwiseReranker() {}

    static KnnResult[] rerank(NDArray trainEmbeddings, long[] trainLabels, NDArray queries, NDArray gallery,
            float[] query, List<float[]> candidates, Path dir) throws IOException {
        KnnResult first;
        KnnResult reranked;
        // snippet-start
        // hard pairs: each training item with its 10 nearest items and its 10 nearest items of other classes
        HardPairs pairs = HardPairs.mine(trainEmbeddings, trainLabels, 10, 10, Distance.cosine());
        int dim = Math.toIntExact(trainEmbeddings.getShape().get(1));
        PairwiseConfig config = PairwiseConfig.defaults(dim)                   // MLP(|a − b|, a ⊙ b) → logit
                .withFeatures(PairFeatures.ABS_DIFF, PairFeatures.PRODUCT).withHidden(100)
                .withTraining(1e-3, 3, 256).withSeed(42);                    // Adam lr, epochs, batch
        try (PairwiseReranker reranker = PairwiseReranker.train(config, trainEmbeddings, pairs)) {
            first = new ExactKnn(Distance.cosine()).search(queries, gallery, 100, null);
            reranked = reranker.rerank(first, queries, gallery, 20);          // top 20 re-ordered, the rest kept
            // the same as an evaluation step
            SampleMetric map = SampleMetric.retrieval(Distance.cosine(), new PairwiseReranking(reranker, 20),
                    RetrievalMetrics::meanAveragePrecisionAtR);
            reranker.save(dir);                                                 // atomic, checksummed
        }
        try (PairwiseReranker loaded = PairwiseReranker.load(dir)) {           // a PairScorer<float[], float[]>
            float[] scores = loaded.score(query, candidates);                  // P(same class), higher first
        }
        // snippet-end
        return new KnnResult[] {first, reranked};
    }
}
