package org.quaterion.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * Updates parameters from their gradients. Ours rather than DJL's so that its whole state (moments, step counts) can
 * be checkpointed and restored exactly, which resuming a run needs.
 */
public interface GradientOptimizer {

    /**
     * One update of every parameter, in place, outside any gradient recording.
     *
     * @param parameters name → parameter array (holding its gradient)
     * @param learningRate this step's learning rate
     */
    void step(Map<String, NDArray> parameters, double learningRate);

    /**
     * The base learning rate (a schedule multiplies it).
     *
     * @return the rate
     */
    double learningRate();

    /**
     * The optimizer's state as named arrays (copies), for a checkpoint.
     *
     * @param manager owns the copies
     * @return name → array
     */
    Map<String, NDArray> state(NDManager manager);

    /**
     * Restores a state from {@link #state}.
     *
     * @param state name → array
     * @param stateManager the manager that will own the restored arrays
     */
    void restore(Map<String, NDArray> state, NDManager stateManager);

    /**
     * Forgets the state (moments, step counts) and frees its arrays: the next {@link #step} starts as a new optimizer
     * would. {@code Quaterion.fit} calls it on the previous optimizer when a model is fitted again. The default does
     * nothing (a stateless optimizer); one with state overrides it.
     */
    default void reset() {}

    /**
     * Checks, when a fit starts, that the optimizer's settings fit the parameters it will update ({@code
     * Quaterion.fit} calls it). The default accepts any.
     *
     * @param names the names of the trained parameters ({@code head.…}, {@code <encoder>.…}, {@code loss.…})
     * @throws IllegalArgumentException naming the setting that does not fit
     */
    default void checkParameters(java.util.Set<String> names) {}

    /**
     * The optimizer's settings, recorded in checkpoints and servables (a resume with other settings is refused).
     *
     * @return {@code type} plus the settings
     */
    default JsonObject config() {
        JsonObject json = new JsonObject();
        json.addProperty("type", getClass().getSimpleName());
        json.addProperty("learning_rate", learningRate());
        return json;
    }
}
