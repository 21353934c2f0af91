package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;

/** {@link RegularizedLoss} around a pair loss. */
final class RegularizedPairwiseLoss extends PairwiseLoss {

    private final PairwiseLoss inner;
    private final RegularizedLoss.Terms terms;

    RegularizedPairwiseLoss(PairwiseLoss inner, RegularizedLoss.Terms terms) {
        super(inner.distance());
        this.inner = inner;
        this.terms = terms;
    }

    @Override
    protected NDArray compute(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups, NDArray zero) {
        return terms.add(inner.compute(embeddings, pairs, labels, subgroups, zero), embeddings, null);
    }

    @Override
    protected NDArray computeWithNegatives(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray owners, NDArray negatives, NDArray zero) {
        return terms.add(inner.computeWithNegatives(embeddings, pairs, labels, subgroups, owners, negatives, zero),
                embeddings, null);
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
