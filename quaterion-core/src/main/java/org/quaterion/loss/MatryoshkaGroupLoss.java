package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.internal.Scalars;

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
        NDArray total = null;
        for (int i = 0; i < levels.dims().length; i++) {
            NDArray e = levels.prefix(embeddings, i, "MatryoshkaLoss");
            NDArray r = refEmbeddings == null ? null : levels.prefix(refEmbeddings, i, "MatryoshkaLoss references");
            NDArray level = inner.forward(e, groups, tuples, r, refGroups);
            NDArray weighted = levels.weights()[i] == 1.0 ? level : Scalars.mul(level, levels.weights()[i]);
            total = total == null ? weighted : total.add(weighted);
        }
        return total;
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
