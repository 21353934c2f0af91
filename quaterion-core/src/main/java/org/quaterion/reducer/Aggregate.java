package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/**
 * A partial reduction: a graph-connected scalar sum and how many losses it counts.
 *
 * @param sum scalar sum of the counted losses (null when nothing was counted)
 * @param count number of losses counted
 */
public record Aggregate(NDArray sum, double count) {

    /**
     * Adds another aggregate.
     *
     * @param other the other block, or null
     * @return the combined aggregate
     */
    public Aggregate plus(Aggregate other) {
        if (other == null || other.sum == null) {
            return this;
        }
        if (sum == null) {
            return other;
        }
        return new Aggregate(sum.add(other.sum), count + other.count);
    }
}
