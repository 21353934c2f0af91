package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What EMA and SWA share: a copy of each trained parameter that the subclass blends the weights into, swapped into
 * the model for validation, checkpointed with the run, and written into the model when the fit ends.
 */
abstract class AveragingCallback implements WeightAveraging, Stateful {

    private static final Logger LOG = LoggerFactory.getLogger(AveragingCallback.class);

    private NDManager manager;
    private Map<String, NDArray> average;
    private BestWeights trained;
    /** Weights blended into the average so far in this run (0: the average is not in use yet). */
    private long count;

    @Override
    public final int order() {
        return ORDER_EARLY;
    }

    @Override
    public final Map<String, NDArray> averagedWeights() {
        return count == 0 ? null : average;
    }

    /**
     * Weights blended in so far.
     *
     * @return the count
     */
    final long count() {
        return count;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        manager = context.manager().newSubManager();
        average = new LinkedHashMap<>();
        context.parameters().forEach((k, v) -> {
            NDArray c = v.stopGradient().duplicate();
            c.attach(manager);
            average.put(k, c);
        });
        count = 0;
    }

    /**
     * {@code average ← keep · average + (1 − keep) · w} for every parameter, in place; the first blend copies.
     *
     * @param parameters the weights
     * @param keep the average's share, in [0, 1)
     */
    final void blend(Map<String, NDArray> parameters, double keep) {
        try (NDManager step = manager.newSubManager()) {
            parameters.forEach((k, w) -> {
                NDArray a = average.get(k);
                if (count == 0) {
                    a.set(new NDIndex(":"), w.stopGradient());
                } else {
                    NDArray mixed = Scalars.mul(a, keep).add(Scalars.mul(w.stopGradient(), 1 - keep));
                    mixed.attach(step);
                    a.set(new NDIndex(":"), mixed);
                }
            });
        }
        count++;
    }

    /**
     * The same update with the average's share as prepared scalars (no array allocated per step for them).
     *
     * @param parameters the weights
     * @param keep the average's share as a scalar array
     * @param take {@code 1 - keep} as a scalar array
     */
    final void blend(Map<String, NDArray> parameters, NDArray keep, NDArray take) {
        try (NDManager step = manager.newSubManager()) {
            parameters.forEach((k, w) -> {
                NDArray scaled = w.stopGradient().mul(take);
                scaled.attach(step);
                average.get(k).muli(keep).addi(scaled);
            });
        }
        count++;
    }

    /**
     * The manager of the average, for arrays the subclass keeps as long.
     *
     * @return the manager
     */
    final NDManager averageManager() {
        return manager;
    }

    @Override
    public final void onValidationStart(TrainingContext context) {
        if (count > 0) {
            trained = new BestWeights(manager);
            trained.capture(context.parameters());
            copyInto(context.parameters());
        }
    }

    @Override
    public final void onValidationEnd(TrainingContext context, Map<String, Double> metrics) {
        if (trained != null) {
            trained.restoreInto(context.parameters());
            trained.close();
            trained = null;
        }
    }

    @Override
    public final void onFitEnd(TrainingContext context, String stoppedBy) {
        if (count > 0) {
            copyInto(context.parameters());
            LOG.info("the model holds the weights' average ({})", this);
        }
    }

    private void copyInto(Map<String, NDArray> parameters) {
        parameters.forEach((k, p) -> p.set(new NDIndex(":"), average.get(k).toType(p.getDataType(), false)));
    }

    @Override
    public final ComponentState saveState(NDManager target) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        average.forEach((k, v) -> {
            NDArray c = v.duplicate();
            c.attach(target);
            arrays.put(k, c);
        });
        JsonObject values = new JsonObject();
        values.addProperty("count", count);
        return new ComponentState(values, arrays);
    }

    @Override
    public final void loadState(ComponentState state) {
        if (!state.arrays().keySet().equals(average.keySet())) {
            throw new IllegalArgumentException("the checkpoint's averaged weights are " + state.arrays().keySet()
                    + " but the model has " + average.keySet() + "; resume with the same TrainableModel");
        }
        state.arrays().forEach((k, v) -> average.get(k).set(new NDIndex(":"),
                v.toType(average.get(k).getDataType(), false)));
        count = state.values().has("count") ? state.values().get("count").getAsLong() : 1;
    }

    @Override
    public void close() {
        if (trained != null) {
            trained.close();
            trained = null;
        }
        if (manager != null) {
            manager.close();
            manager = null;
        }
        average = null;
        count = 0;
    }
}
