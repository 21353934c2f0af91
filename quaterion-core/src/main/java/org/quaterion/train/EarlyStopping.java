package org.quaterion.train;

import java.util.Map;

/**
 * Stops training when the monitored value stops improving (Lightning's {@code EarlyStopping}; Quaterion's default
 * monitors {@code validation_loss} with patience 3). The run's {@link TrainerConfig#monitor()} is this rule's
 * {@link #monitorRule()}, which the best weights and checkpoint retention share.
 *
 * @param monitor the epoch value watched: {@code validation_loss}, {@code train_loss} or an attached metric key
 *     such as {@code rrp_validation}
 * @param minimize true when smaller is better
 * @param patience epochs without improvement before stopping, at least 1
 * @param minDelta the smallest change that counts as an improvement, at least 0
 */
public record EarlyStopping(String monitor, boolean minimize, int patience, double minDelta) implements Callback {

    /** Validates the settings. */
    public EarlyStopping {
        if (monitor == null || monitor.isBlank() || patience < 1 || !(minDelta >= 0)) {
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
     * The monitored value and its direction.
     *
     * @return the monitor
     */
    public Monitor monitorRule() {
        return new Monitor(monitor, minimize, minDelta);
    }

    /**
     * Whether {@code value} improves on {@code best}.
     *
     * @param value the new value
     * @param best the best so far (NaN when none)
     * @return true when it improves by more than minDelta
     */
    public boolean improves(double value, double best) {
        return monitorRule().improves(value, best);
    }

    @Override
    public void onFitStart(TrainingContext context) {
        if (!context.config().monitor().map(monitorRule()::equals).orElse(false)) {
            throw new IllegalArgumentException("early stopping on " + monitorRule() + " but the run monitors "
                    + context.config().monitor().orElse(null) + "; add the rule with withEarlyStopping, which sets "
                    + "the monitor too");
        }
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        if (context.epochsWithoutImprovement() >= patience) {
            context.requestStop("early stopping (" + monitor + " did not improve for " + patience + " epochs, best "
                    + context.bestValue() + " at epoch " + context.bestEpoch() + ")");
        }
    }
}
