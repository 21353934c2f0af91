package org.quaterion.train;

/**
 * Stochastic weight averaging (Izmailov et al. 2018, PyTorch's {@code AveragedModel}): from epoch
 * {@code startEpoch} on, the weights at the end of each epoch's training are averaged with equal weight; validation,
 * the best weights and the final model use the average once it holds an epoch. Add it with
 * {@link TrainerConfig#withCallback}; a run has one weight average at most.
 */
public final class StochasticWeightAveraging extends AveragingCallback {

    private final int startEpoch;
    private int averagedEpoch;

    /**
     * An average from an epoch on.
     *
     * @param startEpoch the first epoch averaged, counted from 1
     */
    public StochasticWeightAveraging(int startEpoch) {
        if (startEpoch < 1) {
            throw new IllegalArgumentException("SWA's start epoch counts from 1, got " + startEpoch);
        }
        this.startEpoch = startEpoch;
    }

    /**
     * The first epoch averaged.
     *
     * @return the epoch, from 1
     */
    public int startEpoch() {
        return startEpoch;
    }

    @Override
    public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
        if (batch.index() + 1 == batch.batches()) {
            average(context);
        }
    }

    @Override
    public void onEpochEnd(TrainingContext context, java.util.Map<String, Double> row) {
        average(context); // an epoch with fewer batches than announced
    }

    private void average(TrainingContext context) {
        if (context.epoch() >= startEpoch && averagedEpoch != context.epoch()) {
            averagedEpoch = context.epoch();
            blend(context.parameters(), count() / (count() + 1.0));
        }
    }

    @Override
    public void close() {
        super.close();
        averagedEpoch = 0;
    }

    @Override
    public String toString() {
        return "StochasticWeightAveraging{startEpoch=" + startEpoch + "}";
    }
}
