package org.quaterion.examples.docs;

import java.util.List;
import java.util.Map;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.Evaluator;
import org.quaterion.eval.GroupSampler;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.SampleMetric;
import org.quaterion.models.SimilarityModel;

/** docs/metrics.md, the evaluator. */
final class MetricsEvaluator {

    private MetricsEvaluator() {}

    static void evaluate(List<SimilarityGroupSample<float[]>> validationSamples, SimilarityModel<float[]> model) {
        // snippet-start
        Evaluator<SimilarityGroupSample<float[]>, float[]> evaluator = new Evaluator<>(Map.of(
                "rrp", SampleMetric.retrievalRPrecision(Distance.cosine()),
                "map@r", SampleMetric.retrieval(Distance.cosine(), RetrievalMetrics::meanAveragePrecisionAtR),
                "nmi", SampleMetric.nmi(42)),
            new GroupSampler<>(/* sampleSize */ -1, /* encodeBatchSize */ 256, /* seed */ 42));
        Map<String, Double> scores = evaluator.evaluate(validationSamples, model);
        // snippet-end
    }
}
