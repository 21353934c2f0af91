package org.quaterion.examples.docs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.eval.ir.IrDataset;
import org.quaterion.eval.ir.RerankEvaluator;
import org.quaterion.eval.ir.RerankResult;
import org.quaterion.models.SimilarityModel;
import org.quaterion.onnx.CrossEncoderModel;
import org.quaterion.search.VectorIndex;
import org.quaterion.search.rerank.RerankedHit;
import org.quaterion.search.rerank.TwoStageSearch;

/** docs/metrics.md, two-stage search and the re-ranking evaluator. */
final class MetricsReranking {

    private MetricsReranking() {}

    static RerankResult rerank(SimilarityModel<String> model, VectorIndex index, Map<String, String> texts,
            IrDataset data, String query) {
        // snippet-start
        try (CrossEncoderModel crossEncoder = CrossEncoderModel.load(Path.of("cross-encoder"))) {
            // serving: the index's 50 nearest, re-scored by the cross-encoder in one call, the best 10 returned
            TwoStageSearch search = new TwoStageSearch(index::search, crossEncoder, hit -> texts.get(hit.id()));
            List<RerankedHit> hits = search.search(model.encode(List.of(query), 1)[0], query, 50, 10);

            // evaluation: MRR@10, NDCG@10, recall@1 and @10 of the bi-encoder's top 50, before and after
            RerankResult result = new RerankEvaluator(data, RerankEvaluator.Config.defaults())
                    .evaluate(model, crossEncoder);
            double before = result.firstStage().get("mrr@10");
            double after = result.reranked().get("mrr@10");
            double kept = result.recallKept().get("recall_kept@10"); // of the first stage's recall@50
            // snippet-end
            return result;
        }
    }
}
