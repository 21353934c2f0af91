package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/** The sum of all losses (PML {@code SumReducer}). */
public final class SumReducer implements Reducer {

    @Override
    public Aggregate accumulate(NDArray losses) {
        return new Aggregate(losses.sum(), losses.size());
    }

    @Override
    public NDArray finish(Aggregate total, NDArray zero) {
        return total == null || total.sum() == null ? zero : total.sum();
    }

    @Override
    public String name() {
        return "sum";
    }
}
