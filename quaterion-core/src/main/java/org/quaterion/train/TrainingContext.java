package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiPredicate;
import org.quaterion.dataset.Batch;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.models.SimilarityModel;

/** What a {@link Callback} sees of a running fit, and the few things it may change. */
public interface TrainingContext {

    /**
     * The model being trained.
     *
     * @return the trainable model
     */
    TrainableModel<?> trainable();

    /**
     * The servable model inside the trainable model.
     *
     * @return the model
     */
    SimilarityModel<?> model();

    /**
     * The trained parameters by name (the model's and the loss's), live: write into them only to replace weights.
     *
     * @return the parameters
     */
    Map<String, NDArray> parameters();

    /**
     * The weights that validation, the best-weights copy and the end of the fit use: the average kept by a
     * {@link WeightAveraging} callback when one is registered, else {@link #parameters()}.
     *
     * @return the weights by name
     */
    Map<String, NDArray> evaluatedWeights();

    /**
     * Runs an action with the evaluated weights ({@link #evaluatedWeights()}) in the model and puts the trained
     * weights back afterwards, also when the action throws: an evaluator measures the weights that validation, the
     * best-weights copy and the saved model use. Without a weight average the action runs on the trained weights.
     *
     * @param action what to run, such as encoding an evaluation set
     */
    void withEvaluatedWeights(Runnable action);

    /**
     * Adds a value to the row of the epoch that is ending, where the monitor ({@link TrainerConfig#monitor()}),
     * early stopping, the history, the progress line and the metrics files see it, as they see
     * {@code validation_loss}.
     *
     * @param key the value's name, not yet in the row (such as {@code ir_ndcg@10})
     * @param value the value
     * @throws IllegalStateException when called outside {@link Callback#beforeEpochEnd}
     * @throws IllegalArgumentException when the key is blank or already in the row
     */
    void addEpochValue(String key, double value);

    /**
     * A manager for arrays the callback keeps for the whole fit, on the model's device; closed with the model.
     *
     * @return the model's manager
     */
    NDManager manager();

    /**
     * The run's settings.
     *
     * @return the config
     */
    TrainerConfig config();

    /**
     * The epoch running, counted from 1; at {@link Callback#onEpochEnd} the epoch that ended.
     *
     * @return the epoch number
     */
    int epoch();

    /**
     * Epochs completed (recorded in the history).
     *
     * @return the count
     */
    int completedEpochs();

    /**
     * Training steps completed in this run, resumed ones included.
     *
     * @return the step count
     */
    long globalStep();

    /**
     * Training batches per epoch.
     *
     * @return the count
     */
    int batchesPerEpoch();

    /**
     * The completed epochs' rows, oldest first.
     *
     * @return an unmodifiable list
     */
    List<Map<String, Double>> history();

    /**
     * The learning rate the next step uses: the optimizer's base rate × the schedule's factor × the factor set with
     * {@link #setLearningRateFactor}.
     *
     * @return the rate
     */
    double learningRate();

    /**
     * Multiplies every later step's learning rate by a factor (reduce-on-plateau); the factor is checkpointed with
     * the run.
     *
     * @param factor finite, &gt; 0 (1 = the scheduled rate)
     */
    void setLearningRateFactor(double factor);

    /**
     * The factor set with {@link #setLearningRateFactor}.
     *
     * @return the factor, 1 by default
     */
    double learningRateFactor();

    /**
     * Epochs completed at the best monitored value ({@link TrainerConfig#monitor()}); 0 when none yet or nothing is
     * monitored.
     *
     * @return the epoch number
     */
    int bestEpoch();

    /**
     * The best monitored value so far.
     *
     * @return the value, or NaN when none
     */
    double bestValue();

    /**
     * Epochs since the monitored value last improved.
     *
     * @return the count
     */
    int epochsWithoutImprovement();

    /**
     * How an attached metric's value is to be logged (Quaterion's {@code log} options): whether files get it
     * ({@code logger}), the progress bar shows it, TensorBoard records each step's value ({@code onStep}); values
     * that are not attached metrics (losses, {@code lr}) are logged everywhere.
     *
     * @param key an epoch or batch value's key, such as {@code rrp_validation}
     * @return the metric's options; for other keys, options that log everywhere
     */
    AttachedMetric.LogOptions logOptions(String key);

    /**
     * Asks the fit to stop: after the current step when asked during an epoch (the epoch is not recorded), after
     * the epoch when asked in {@link Callback#onEpochEnd}.
     *
     * @param reason why, for the log, the report and {@link FitResult}
     */
    void requestStop(String reason);

    /**
     * Whether a stop was requested.
     *
     * @return true after {@link #requestStop}
     */
    boolean stopRequested();

    /**
     * How the run is set up (loss, miner, optimizer, trainer settings, data), as recorded in checkpoints.
     *
     * @return a copy
     */
    JsonObject trainingRecord();

    /**
     * Writes a checkpoint of the whole run (weights, optimizer, loop state, every stateful component's state) into
     * a directory, atomically.
     *
     * @param dir the checkpoint directory
     * @throws IOException when writing fails
     */
    void writeCheckpoint(Path dir) throws IOException;

    /**
     * The output directory, when the config has one.
     *
     * @return the directory
     */
    default Optional<Path> outputDir() {
        return Optional.ofNullable(config().outputDir());
    }

    /**
     * The epochs the config runs.
     *
     * @return the count, empty for "until a callback stops"
     */
    default OptionalInt maxEpochs() {
        return config().maxEpochs();
    }

    /**
     * Embeds the batches of the validation loader (or the training loader without one) with the evaluated weights,
     * without gradients, until the visitor returns false. Arrays given to the visitor are closed after it returns.
     *
     * @param visitor receives each batch and its embeddings {@code (batch size, d)}; returns whether to go on
     */
    void embedBatches(BiPredicate<Batch<?>, NDArray> visitor);
}
