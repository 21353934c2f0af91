package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.miner.IndexTuples;

/** {@link RegularizedLoss} around a group loss. */
final class RegularizedGroupLoss extends WrappedGroupLoss {

    private final RegularizedLoss.Terms terms;

    RegularizedGroupLoss(GroupLoss inner, RegularizedLoss.Terms terms) {
        super(inner);
        this.terms = terms;
    }

    @Override
    public NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refGroups) {
        NDArray value = inner.forward(embeddings, groups, tuples, refEmbeddings, refGroups);
        return terms.add(value, embeddings, inner instanceof ClassWeightLoss c ? c.weights().getArray() : null);
    }

    @Override
    public JsonObject config() {
        return terms.describe(inner.config());
    }
}
