package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.miner.IndexTuples;

/** {@link MatryoshkaLoss} around a group loss. */
final class MatryoshkaGroupLoss extends WrappedGroupLoss {

    private final MatryoshkaLoss.Levels levels;

    MatryoshkaGroupLoss(GroupLoss inner, MatryoshkaLoss.Levels levels) {
        super(inner);
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
    public JsonObject config() {
        JsonObject json = new JsonObject();
        levels.describe(json, inner.config());
        return json;
    }
}
