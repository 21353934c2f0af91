package org.quaterion.train;

/** A factor on the optimizer's base learning rate for each training step. */
@FunctionalInterface
public interface LearningRateSchedule {

    /**
     * The factor at a step.
     *
     * @param step the global step (0-based)
     * @param totalSteps steps in the whole run, or -1 when unbounded
     * @return the factor (1 = the base rate)
     */
    double factor(long step, long totalSteps);

    /**
     * The base rate throughout.
     *
     * @return the schedule
     */
    static LearningRateSchedule constant() {
        return (step, total) -> 1.0;
    }

    /**
     * Linear warm-up from 1/warmup to 1 over {@code warmupSteps}, then cosine decay to {@code minFactor} at the last
     * step. Needs a bounded run ({@code maxEpochs}).
     *
     * @param warmupSteps warm-up steps, at least 0
     * @param minFactor the final factor in [0, 1]
     * @return the schedule
     */
    static LearningRateSchedule warmupCosine(long warmupSteps, double minFactor) {
        if (warmupSteps < 0 || minFactor < 0 || minFactor > 1) {
            throw new IllegalArgumentException("warm-up steps must be >= 0 and minFactor in [0, 1], got "
                    + warmupSteps + " and " + minFactor);
        }
        return (step, total) -> {
            if (total < 0) {
                throw new IllegalArgumentException("a cosine schedule needs a bounded run: set maxEpochs");
            }
            if (step < warmupSteps) {
                return (step + 1.0) / warmupSteps;
            }
            long span = Math.max(1, total - warmupSteps - 1);
            double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
