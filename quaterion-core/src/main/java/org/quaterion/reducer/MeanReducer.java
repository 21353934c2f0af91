package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/** The mean over all losses, zeros included (PML {@code MeanReducer}). */
public final class MeanReducer implements Reducer {

    @Override
    public Aggregate accumulate(NDArray losses) {
        return new Aggregate(losses.sum(), losses.size());
    }

    @Override
    public String name() {
        return "mean";
    }
}
