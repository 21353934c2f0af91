package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.util.function.UnaryOperator;

/** {@link MatryoshkaLoss} around a pair loss. */
final class MatryoshkaPairwiseLoss extends WrappedPairwiseLoss {

    private final MatryoshkaLoss.Levels levels;

    MatryoshkaPairwiseLoss(PairwiseLoss inner, MatryoshkaLoss.Levels levels) {
        super(inner);
        this.levels = levels;
    }

    @Override
    NDArray wrap(NDArray embeddings, UnaryOperator<NDArray> innerLoss) {
        return levels.weightedSum(i -> innerLoss.apply(levels.prefix(embeddings, i, "MatryoshkaLoss")));
    }

    @Override
    public JsonObject config() {
        JsonObject json = new JsonObject();
        levels.describe(json, inner.config());
        return json;
    }
}
