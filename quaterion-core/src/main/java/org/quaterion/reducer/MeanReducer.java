package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/** The mean over all losses, zeros included (PML {@code MeanReducer}). */
public final class MeanReducer implements Reducer {

    @Override
    public NDArray keep(NDArray losses) {
        return null;
    }

    @Override
    public String name() {
        return "mean";
    }
}
