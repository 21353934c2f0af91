package org.quaterion.examples.docs;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.Evaluator;
import org.quaterion.eval.GroupSampler;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.RetrievalProtocol;
import org.quaterion.eval.SampleMetric;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.ExactKnn;

/** README.md, metrics. */
final class ReadmeMetrics {

    private ReadmeMetrics() {}

    static void metrics(NDArray embeddings, long[] labels, List<SimilarityGroupSample<float[]>> validationSamples,
            SimilarityModel<float[]> model) {
        // snippet-start
        RetrievalMetrics m = RetrievalProtocol.leaveOneOut(new ExactKnn(Distance.cosine()), embeddings, labels, 0);
        m.precisionAt1(); m.meanAveragePrecisionAtR(); m.quaterionRPrecision(); m.cmcAt(5);   // PML, Quaterion, OML names
        Map<String, Double> scores = new Evaluator<>(Map.of("rrp", SampleMetric.retrievalRPrecision(Distance.cosine())),
                new GroupSampler<float[]>(-1, 256, 42)).evaluate(validationSamples, model);
        // snippet-end
    }
}
