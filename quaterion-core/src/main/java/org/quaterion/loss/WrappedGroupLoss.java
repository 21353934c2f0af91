package org.quaterion.loss;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;

/**
 * A group loss around another one ({@link MatryoshkaLoss}, {@link RegularizedLoss}): the value comes from
 * {@code forward}, which calls the inner loss; its parameters, initialisation and use of mined tuples are the inner
 * loss's.
 */
abstract class WrappedGroupLoss extends GroupLoss {

    /** The wrapped loss. */
    final GroupLoss inner;

    WrappedGroupLoss(GroupLoss inner) {
        super(inner.distance(), inner.reducer());
        this.inner = inner;
    }

    @Override
    protected final LossTerms compute(LossInputs in) {
        throw new IllegalStateException(getClass().getSimpleName() + " computes its value in forward");
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
}
