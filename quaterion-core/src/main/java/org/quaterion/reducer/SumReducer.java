package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/** The sum of all losses (PML {@code SumReducer}). */
public final class SumReducer implements Reducer {

    @Override
    public NDArray keep(NDArray losses) {
        return null;
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
