package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A partial reduction: a graph-connected scalar sum and how many losses it counts.
 *
 * <p>The count is an INT64 scalar on the losses' device, so that reducing never waits for the device (no host
 * read per step).
 *
 * @param sum scalar sum of the counted losses (null when nothing was counted)
 * @param count INT64 scalar: number of losses counted (null when nothing was counted)
 */
public record Aggregate(NDArray sum, NDArray count) {

    /**
     * An aggregate of {@code n} losses whose number is known on the host.
     *
     * @param sum scalar sum of the losses
     * @param n number of losses
     * @return the aggregate
     */
    public static Aggregate of(NDArray sum, long n) {
        return new Aggregate(sum, sum.getManager().create(n));
    }

    /**
     * An aggregate of the losses selected by a mask, counted on the device.
     *
     * @param sum scalar sum of the selected losses
     * @param counted boolean mask of the losses counted
     * @return the aggregate
     */
    public static Aggregate of(NDArray sum, NDArray counted) {
        return new Aggregate(sum, counted.toType(DataType.INT64, false).sum());
    }

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
        return new Aggregate(sum.add(other.sum), count.add(other.count));
    }
}
