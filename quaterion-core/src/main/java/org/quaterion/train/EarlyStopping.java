package org.quaterion.train;

/**
 * Stops training when a monitored value stops improving (Lightning's {@code EarlyStopping}, Quaterion's default
 * monitors {@code validation_loss} with patience 3).
 *
 * @param monitor the epoch value watched: {@code validation_loss}, {@code train_loss} or an attached metric key
 *     such as {@code rrp_validation}
 * @param minimize true when smaller is better
 * @param patience epochs without improvement before stopping, at least 1
 * @param minDelta the smallest change that counts as an improvement, at least 0
 */
public record EarlyStopping(String monitor, boolean minimize, int patience, double minDelta) {

    /** Validates the settings. */
    public EarlyStopping {
        if (monitor == null || monitor.isBlank() || patience < 1 || minDelta < 0) {
            throw new IllegalArgumentException("early stopping needs a monitor, patience >= 1 and minDelta >= 0");
        }
    }

    /**
     * Quaterion's default: minimise {@code validation_loss}, patience 3.
     *
     * @return the config
     */
    public static EarlyStopping defaults() {
        return new EarlyStopping("validation_loss", true, 3, 0);
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
