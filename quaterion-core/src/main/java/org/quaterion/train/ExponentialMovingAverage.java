package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import org.quaterion.models.tensor.Scalars;

/**
 * An exponential moving average of the weights, updated after every applied step ({@code ema ← decay · ema +
 * (1 − decay) · w}, as timm's {@code ModelEmaV2}); validation, the best weights and the final model use it. Added by
 * {@link TrainerConfig#withEma}.
 */
public final class ExponentialMovingAverage extends AveragingCallback {

    private final double decay;
    private NDArray keep;
    private NDArray take;

    /**
     * An average with a decay.
     *
     * @param decay in (0, 1), e.g. 0.999
     */
    public ExponentialMovingAverage(double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("the EMA decay must be in (0, 1), e.g. 0.999; got " + decay);
        }
        this.decay = decay;
    }

    /**
     * The decay.
     *
     * @return the decay
     */
    public double decay() {
        return decay;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        super.onFitStart(context);
        blend(context.parameters(), 0); // the average starts at the current weights
        NDArray any = averagedWeights().values().iterator().next();
        keep = Scalars.of(any, decay);
        keep.attach(averageManager());
        take = Scalars.of(any, 1 - decay);
        take.attach(averageManager());
    }

    @Override
    public void afterOptimizerStep(TrainingContext context) {
        blend(context.parameters(), keep, take);
    }

    @Override
    public String toString() {
        return "ExponentialMovingAverage{decay=" + decay + "}";
    }
}
