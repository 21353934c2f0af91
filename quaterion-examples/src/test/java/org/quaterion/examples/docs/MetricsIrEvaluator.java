package org.quaterion.examples.docs;

import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.distance.Distance;
import org.quaterion.eval.ir.IrDataset;
import org.quaterion.eval.ir.IrEvaluation;
import org.quaterion.eval.ir.IrEvaluator;
import org.quaterion.eval.ir.IrResult;
import org.quaterion.models.SimilarityModel;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.TrainerConfig;

/** docs/metrics.md, the information-retrieval evaluator. */
final class MetricsIrEvaluator {

    private MetricsIrEvaluator() {}

    static TrainerConfig evaluate(SimilarityModel<String> model) throws IOException {
        // snippet-start
        IrDataset scifact = IrDataset.readBeir(Path.of("beir/scifact"), "test");
        IrEvaluator evaluator = new IrEvaluator(scifact, IrEvaluator.Config.defaults()
                .withDistance(Distance.dotProduct())
                .withNdcgAt(10, 100));
        IrResult result = evaluator.evaluate(model);
        double ndcg10 = result.get("ndcg@10");

        // the same evaluation after every epoch of a fit, stopping when ir_ndcg@10 stops improving
        TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(20)
                .withCallback(new IrEvaluation(evaluator))
                .withEarlyStopping(new EarlyStopping("ir_ndcg@10", false, 3, 0));
        // snippet-end
        return config;
    }
}
