package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A callback that keeps an average of the weights (EMA, SWA). The trainer validates with the average, the best
 * weights are the best epoch's average, and the fit ends with the average in the model. A run has at most one.
 */
public interface WeightAveraging extends Callback {

    /**
     * The averaged weights by parameter name, owned by the callback.
     *
     * @return the average, or null before the fit starts
     */
    Map<String, NDArray> averagedWeights();
}
