package org.quaterion.train;

/**
 * The epoch value that defines the best epoch of a run, and when a value counts as better.
 *
 * @param name the epoch value: {@code validation_loss}, {@code train_loss} or an attached metric key such as
 *     {@code rrp_validation}
 * @param minimize true when smaller is better
 * @param minDelta the smallest change that counts as an improvement, at least 0
 */
public record Monitor(String name, boolean minimize, double minDelta) {

    /** Validates the settings. */
    public Monitor {
        if (name == null || name.isBlank() || !(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("a monitor needs a value name and a finite minDelta >= 0; got " + name
                    + ", " + minDelta);
        }
    }

    /**
     * Minimises {@code validation_loss}.
     *
     * @return the monitor
     */
    public static Monitor validationLoss() {
        return new Monitor("validation_loss", true, 0);
    }

    /**
     * Whether {@code value} improves on {@code best}.
     *
     * @param value the new value
     * @param best the best so far (NaN when none)
     * @return true when it improves by more than minDelta
     */
    public boolean improves(double value, double best) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(value);
        }
        return minimize ? value < best - minDelta : value > best + minDelta;
    }
}
