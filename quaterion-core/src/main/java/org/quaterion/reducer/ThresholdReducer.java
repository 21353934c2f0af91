package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/**
 * The mean over losses with {@code low < loss < high} (either bound optional), PML {@code ThresholdReducer}; 0
 * (graph-connected) when none pass.
 */
public class ThresholdReducer implements Reducer {

    private final Double low;
    private final Double high;

    /**
     * Creates the reducer.
     *
     * @param low exclusive lower bound, or null for none
     * @param high exclusive upper bound, or null for none
     */
    public ThresholdReducer(Double low, Double high) {
        if (low != null && high != null && !(low < high)) {
            throw new IllegalArgumentException("ThresholdReducer needs low < high, got " + low + " and " + high);
        }
        this.low = low;
        this.high = high;
    }

    @Override
    public NDArray keep(NDArray losses) {
        NDArray keep = null;
        if (low != null) {
            keep = losses.gt(low);
        }
        if (high != null) {
            NDArray below = losses.lt(high);
            keep = keep == null ? below : keep.logicalAnd(below);
        }
        return keep;
    }

    @Override
    public String name() {
        return "threshold(" + low + "," + high + ")";
    }
}
