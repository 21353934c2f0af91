package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;

/** {@link MatryoshkaLoss} around a pair loss. */
final class MatryoshkaPairwiseLoss extends PairwiseLoss {

    private final PairwiseLoss inner;
    private final MatryoshkaLoss.Levels levels;

    MatryoshkaPairwiseLoss(PairwiseLoss inner, MatryoshkaLoss.Levels levels) {
        super(inner.distance());
        this.inner = inner;
        this.levels = levels;
    }

    @Override
    protected NDArray compute(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups, NDArray zero) {
        return levels.weightedSum(i -> inner.compute(levels.prefix(embeddings, i, "MatryoshkaLoss"), pairs, labels,
                subgroups, zero));
    }

    @Override
    protected NDArray computeWithNegatives(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray owners, NDArray negatives, NDArray zero) {
        return levels.weightedSum(i -> inner.computeWithNegatives(levels.prefix(embeddings, i, "MatryoshkaLoss"),
                pairs, labels, subgroups, owners, negatives, zero));
    }

    @Override
    public ParameterList parameters() {
        return inner.parameters();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        inner.initialize(manager, dataType);
    }

    @Override
    public JsonObject config() {
        JsonObject json = new JsonObject();
        levels.describe(json, inner.config());
        return json;
    }
}
