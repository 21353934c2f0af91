package org.quaterion.eval;

import java.util.EnumSet;
import java.util.Set;

/**
 * A metric computed on each batch's embeddings during training, as Quaterion's {@code AttachedMetric}: logged as
 * {@code name + "_" + stage} ({@code "rrp_validation"}) in the stages it is attached to. Batch values depend on the
 * batch size; for exact figures over a whole set use an {@link Evaluator}. Immutable.
 *
 * @param name the metric name, letters, digits, '_' or '-'
 * @param metric the metric
 * @param stages where it is computed, not empty
 * @param options how it is logged
 */
public record AttachedMetric(String name, SampleMetric metric, Set<Stage> stages, LogOptions options) {

    /** The stages of a fit. */
    public enum Stage {
        /** Training batches. */
        TRAIN,
        /** Validation batches. */
        VALIDATION;

        /**
         * The lower-case key part.
         *
         * @return "train" or "validation"
         */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Logging options (Quaterion passes these to Lightning's {@code log}).
     *
     * @param logger write to the metrics file
     * @param progressBar show on the progress bar
     * @param onStep log every step's value
     * @param onEpoch log the epoch mean
     */
    public record LogOptions(boolean logger, boolean progressBar, boolean onStep, boolean onEpoch) {

        /**
         * Quaterion's defaults: logged per epoch, not on the progress bar.
         *
         * @return the options
         */
        public static LogOptions defaults() {
            return new LogOptions(true, false, false, true);
        }
    }

    /** Validates the metric. */
    public AttachedMetric {
        if (name == null || !name.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("metric name must be letters, digits, '_' or '-', got " + name);
        }
        if (metric == null || options == null) {
            throw new IllegalArgumentException("attached metric " + name + " needs a metric and log options");
        }
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("attached metric " + name + " needs at least one stage");
        }
        stages = Set.copyOf(stages);
    }

    /**
     * A metric attached to training and validation with default log options.
     *
     * @param name the name
     * @param metric the metric
     * @return the attached metric
     */
    public static AttachedMetric of(String name, SampleMetric metric) {
        return new AttachedMetric(name, metric, EnumSet.allOf(Stage.class), LogOptions.defaults());
    }

    /**
     * The logged key of a stage.
     *
     * @param stage the stage
     * @return {@code name_stage}
     */
    public String key(Stage stage) {
        return name + "_" + stage.key();
    }

    /**
     * Whether the metric runs in a stage.
     *
     * @param stage the stage
     * @return true when attached there
     */
    public boolean runsIn(Stage stage) {
        return stages.contains(stage);
    }
}
