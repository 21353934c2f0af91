package org.quaterion.train;

import java.util.Map;

/**
 * Hooks into {@link Quaterion#fit} (Lightning's {@code Callback}, DJL's {@code TrainingListener}). Every method has an
 * empty default, so a callback overrides only the events it needs. A callback reads the run through the
 * {@link TrainingContext} (model, parameters, epoch, step, history, the monitored value) and may ask it to stop.
 *
 * <p>Callbacks run in ascending {@link #order()}, then in the order they were added to the {@link TrainerConfig}.
 * A callback that keeps state between epochs implements {@link org.quaterion.state.Stateful}: its state is written
 * into every checkpoint under {@link #name()} and handed back on resume, so a resumed run continues exactly.
 *
 * <p>Events of one epoch: {@link #onEpochStart}, then per training step {@link #beforeOptimizerStep},
 * {@link #afterOptimizerStep} (skipped when the step's gradients were not finite) and {@link #onTrainBatchEnd};
 * with a validation loader {@link #onValidationStart}, {@link #onValidationBatchEnd} per batch and
 * {@link #onValidationEnd}; then {@link #beforeEpochEnd}, where evaluators add their values to the row, and
 * {@link #onEpochEnd} with the epoch's row.
 */
public interface Callback {

    /** Runs before built-in callbacks that only observe (progress, metrics file): weight averaging. */
    int ORDER_EARLY = -100;

    /** Runs after every other callback of an event: checkpoints see each callback's state for the epoch. */
    int ORDER_LATE = 100;

    /**
     * The key of this callback's state in checkpoints; unique among a run's callbacks.
     *
     * @return the simple class name by default
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Where this callback runs among the others for each event: lower first, ties in the order added.
     *
     * @return 0 by default
     */
    default int order() {
        return 0;
    }

    /**
     * The fit starts (after a resume has restored the state).
     *
     * @param context the run
     */
    default void onFitStart(TrainingContext context) {}

    /**
     * An epoch starts.
     *
     * @param context the run
     */
    default void onEpochStart(TrainingContext context) {}

    /**
     * The step's gradients are computed, finite and clipped; the optimizer has not yet updated the weights.
     *
     * @param context the run
     */
    default void beforeOptimizerStep(TrainingContext context) {}

    /**
     * The optimizer has updated the weights.
     *
     * @param context the run
     */
    default void afterOptimizerStep(TrainingContext context) {}

    /**
     * A training step ended.
     *
     * @param context the run
     * @param batch the step's loss, metrics and position
     */
    default void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {}

    /**
     * Validation of the epoch starts.
     *
     * @param context the run
     */
    default void onValidationStart(TrainingContext context) {}

    /**
     * A validation batch was evaluated.
     *
     * @param context the run
     * @param batch the batch's loss, metrics and position
     */
    default void onValidationBatchEnd(TrainingContext context, BatchEnd batch) {}

    /**
     * Validation of the epoch ended.
     *
     * @param context the run
     * @param metrics {@code validation_loss} and the validation metrics of the epoch
     */
    default void onValidationEnd(TrainingContext context, Map<String, Double> metrics) {}

    /**
     * The epoch's training (and validation, when there is a loader) ended and its row is not yet recorded: a
     * callback that measures the model once per epoch, such as an information-retrieval evaluator, adds its values
     * here with {@link TrainingContext#addEpochValue}, so that the monitor, early stopping, the best weights, the
     * history and the metrics files see them. Runs with or without a validation loader; the model holds the trained
     * weights ({@link TrainingContext#withEvaluatedWeights} swaps in the evaluated ones).
     *
     * @param context the run
     */
    default void beforeEpochEnd(TrainingContext context) {}

    /**
     * An epoch ended; its row is in {@link TrainingContext#history()} and the monitored value is updated.
     *
     * @param context the run
     * @param row the epoch's values ({@code epoch}, {@code train_loss}, {@code validation_loss}, metrics, …)
     */
    default void onEpochEnd(TrainingContext context, Map<String, Double> row) {}

    /**
     * The fit ends, normally or by a stop request (not when a step throws).
     *
     * @param context the run
     * @param stoppedBy why: {@code "max epochs"}, the reason a callback gave, or {@code "interrupted"}
     */
    default void onFitEnd(TrainingContext context, String stoppedBy) {}

    /**
     * Releases what the callback holds (native arrays, files). Called once when the fit ends, also after a failure.
     */
    default void close() {}

    /**
     * What one batch produced.
     *
     * @param index the batch's position in the epoch, from 0
     * @param batches batches per epoch
     * @param size samples in the batch
     * @param loss the batch's loss
     * @param meanLoss the sample-weighted mean loss of the epoch so far
     * @param metrics the attached metrics of this batch, by key
     * @param updated whether the optimizer updated the weights (false in validation and for non-finite gradients)
     */
    record BatchEnd(int index, int batches, int size, double loss, double meanLoss, Map<String, Double> metrics,
            boolean updated) {
        /** Copies the metrics. */
        public BatchEnd {
            metrics = Map.copyOf(metrics);
        }
    }
}
