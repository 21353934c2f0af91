package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;
import org.quaterion.miner.IndexTuples;

/** {@link MatryoshkaLoss} around a group loss. */
final class MatryoshkaGroupLoss extends GroupLoss {

    private final GroupLoss inner;
    private final MatryoshkaLoss.Levels levels;

    MatryoshkaGroupLoss(GroupLoss inner, MatryoshkaLoss.Levels levels) {
        super(inner.distance(), inner.reducer());
        this.inner = inner;
        this.levels = levels;
    }

    @Override
    public NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refGroups) {
        return levels.weightedSum(i -> inner.forward(levels.prefix(embeddings, i, "MatryoshkaLoss"), groups, tuples,
                refEmbeddings == null ? null : levels.prefix(refEmbeddings, i, "MatryoshkaLoss references"),
                refGroups));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        throw new IllegalStateException("MatryoshkaLoss reduces every level in forward");
    }

    @Override
    public boolean usesMinedTuples() {
        return inner.usesMinedTuples();
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return inner.minedTuplesIgnoredBecause();
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
