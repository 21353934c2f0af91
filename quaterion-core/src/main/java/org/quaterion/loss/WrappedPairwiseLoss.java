package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import java.util.function.UnaryOperator;

/**
 * A pair loss around another one ({@link MatryoshkaLoss}, {@link RegularizedLoss}): with or without explicit
 * negatives, its value is {@link #wrap} of the inner loss as a function of the embeddings; its parameters and
 * initialisation are the inner loss's.
 */
abstract class WrappedPairwiseLoss extends PairwiseLoss {

    /** The wrapped loss. */
    final PairwiseLoss inner;

    WrappedPairwiseLoss(PairwiseLoss inner) {
        super(inner.distance());
        this.inner = inner;
    }

    /**
     * The wrapper's value.
     *
     * @param embeddings the batch's embeddings
     * @param innerLoss the inner loss on embeddings of the batch's layout
     * @return the scalar loss
     */
    abstract NDArray wrap(NDArray embeddings, UnaryOperator<NDArray> innerLoss);

    @Override
    protected final NDArray compute(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray zero) {
        return wrap(embeddings, e -> inner.compute(e, pairs, labels, subgroups, zero));
    }

    @Override
    protected final NDArray computeWithNegatives(NDArray embeddings, NDArray pairs, NDArray labels,
            NDArray subgroups, NDArray owners, NDArray negatives, NDArray zero) {
        return wrap(embeddings, e -> inner.computeWithNegatives(e, pairs, labels, subgroups, owners, negatives, zero));
    }

    @Override
    public ParameterList parameters() {
        return inner.parameters();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        inner.initialize(manager, dataType);
    }
}
