package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;
import org.quaterion.miner.IndexTuples;

/** {@link RegularizedLoss} around a group loss. */
final class RegularizedGroupLoss extends GroupLoss {

    private final GroupLoss inner;
    private final RegularizedLoss.Terms terms;

    RegularizedGroupLoss(GroupLoss inner, RegularizedLoss.Terms terms) {
        super(inner.distance(), inner.reducer());
        this.inner = inner;
        this.terms = terms;
    }

    @Override
    public NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refGroups) {
        NDArray value = inner.forward(embeddings, groups, tuples, refEmbeddings, refGroups);
        return terms.add(value, embeddings, inner instanceof ClassWeightLoss c ? c.weights().getArray() : null);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        throw new IllegalStateException("RegularizedLoss adds its terms in forward");
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
        return terms.describe(inner.config());
    }
}
