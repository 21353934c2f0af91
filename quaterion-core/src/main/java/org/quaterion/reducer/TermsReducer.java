package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/**
 * A reducer that needs what the loss says of its losses (type, anchors, divisor, part), so it reduces whole
 * {@link Terms} and is not a filter of single losses: a loss cannot reduce block by block with it.
 */
interface TermsReducer extends Reducer {

    /**
     * Not defined: this reducer does not count losses one by one.
     *
     * @param losses unreduced losses
     * @return never
     * @throws UnsupportedOperationException always, naming {@link #reduce(Terms, NDArray)}
     */
    @Override
    default NDArray keep(NDArray losses) {
        throw new UnsupportedOperationException(name() + " reduces whole parts of a loss; use reduce(Terms, zero)");
    }

    @Override
    default boolean elementwise() {
        return false;
    }

    /** {@inheritDoc} As terms of one part whose type and anchors are not stated. */
    @Override
    default NDArray reduce(NDArray losses, NDArray zero) {
        return reduce(Terms.of("the losses", losses), zero);
    }

    /** {@inheritDoc} As terms of one part whose type and anchors are not stated. */
    @Override
    default NDArray reduce(NDArray losses, NDArray mask, NDArray zero) {
        return reduce(new Terms("the losses", Terms.SINGLE_PART, null, losses, mask, null, null, null, null), zero);
    }
}
