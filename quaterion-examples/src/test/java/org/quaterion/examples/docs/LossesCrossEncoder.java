package org.quaterion.examples.docs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.loss.score.LambdaLoss;
import org.quaterion.loss.score.ListwiseCrossEntropyLoss;
import org.quaterion.loss.score.ScoreLoss;

/** docs/losses.md, cross-encoder losses. */
final class LossesCrossEncoder {

    private LossesCrossEncoder() {}

    static double loss(NDManager manager, NDArray scores) {
        // snippet-start
        // one query (group 7): its positive and two mined negatives, as a cross-encoder's training records
        List<ScoredPair<String, String>> pairs = List.of(
                new ScoredPair<>("what do cats eat", "Cats eat meat.", 1, 7),
                new ScoredPair<>("what do cats eat", "Dogs bark.", 0, 7),
                new ScoredPair<>("what do cats eat", "Cats sleep a lot.", 0, 7));
        ScoreLoss listwise = new ListwiseCrossEntropyLoss(); // sigmoid, scale 10: sentence-transformers' defaults
        ScoreLoss lambda = LambdaLoss.builder().optK(10).build(); // graded targets, NDCG-Loss2++ weights
        // the model's scores of the pairs (n), their targets (n) and groups (n)
        NDArray targets = manager.create(pairs.stream().mapToDouble(ScoredPair::target).toArray());
        NDArray groups = manager.create(pairs.stream().mapToLong(ScoredPair::group).toArray());
        NDArray value = listwise.forward(scores, targets, groups);
        // snippet-end
        return value.getDouble() + lambda.forward(scores, targets, groups).getDouble();
    }
}
