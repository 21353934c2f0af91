package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.util.function.UnaryOperator;

/** {@link RegularizedLoss} around a pair loss. */
final class RegularizedPairwiseLoss extends WrappedPairwiseLoss {

    private final RegularizedLoss.Terms terms;

    RegularizedPairwiseLoss(PairwiseLoss inner, RegularizedLoss.Terms terms) {
        super(inner);
        this.terms = terms;
    }

    @Override
    NDArray wrap(NDArray embeddings, UnaryOperator<NDArray> innerLoss) {
        return terms.add(innerLoss.apply(embeddings), embeddings, null);
    }

    @Override
    public JsonObject config() {
        return terms.describe(inner.config());
    }
}
