package org.quaterion.train;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.Map;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multiplies the learning rate by {@code factor} when a monitored epoch value has not improved for {@code patience}
 * epochs (PyTorch's {@code ReduceLROnPlateau}), down to {@code minFactor} of the scheduled rate. It composes with the
 * schedule: the step's rate is base × schedule factor × this factor. Its state (best, bad epochs) and the factor are
 * checkpointed. Add it with {@link TrainerConfig#withCallback}.
 */
public final class ReduceLrOnPlateau implements Callback, Stateful {

    private static final Logger LOG = LoggerFactory.getLogger(ReduceLrOnPlateau.class);

    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final double minFactor;
    private double best = Double.NaN;
    private int badEpochs;

    /**
     * A plateau rule.
     *
     * @param monitor the epoch value watched and its direction
     * @param factor the multiplier applied at a plateau, in (0, 1), e.g. 0.1
     * @param patience epochs without improvement before reducing, at least 1
     * @param minFactor the smallest overall factor, in [0, 1]
     */
    public ReduceLrOnPlateau(Monitor monitor, double factor, int patience, double minFactor) {
        if (monitor == null || !(factor > 0 && factor < 1) || patience < 1 || !(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("reduce-on-plateau needs a monitor, factor in (0, 1), patience >= 1 "
                    + "and minFactor in [0, 1]; got " + monitor + ", " + factor + ", " + patience + ", " + minFactor);
        }
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.minFactor = minFactor;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        best = Double.NaN;
        badEpochs = 0;
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        Double value = row.get(monitor.name());
        if (value == null) {
            throw new IllegalArgumentException("reduce-on-plateau monitors '" + monitor.name() + "' but the epoch "
                    + "produced only " + row.keySet() + "; give a validation loader or monitor another value");
        }
        if (monitor.improves(value, best)) {
            best = value;
            badEpochs = 0;
            return;
        }
        if (++badEpochs >= patience) {
            double next = Math.max(minFactor, context.learningRateFactor() * factor);
            if (next < context.learningRateFactor()) {
                context.setLearningRateFactor(next);
                LOG.info("{} did not improve for {} epochs: the learning rate factor is now {}", monitor.name(),
                        badEpochs, next);
            }
            badEpochs = 0;
        }
    }

    @Override
    public ComponentState saveState(NDManager manager) {
        JsonObject values = new JsonObject();
        values.addProperty("best", Double.toString(best));
        values.addProperty("bad_epochs", badEpochs);
        return ComponentState.of(values);
    }

    @Override
    public void loadState(ComponentState state) {
        JsonObject values = state.values();
        if (!values.has("best") || !values.has("bad_epochs")) {
            throw new IllegalArgumentException("the checkpoint's reduce-on-plateau state lacks best or bad_epochs: "
                    + values);
        }
        best = Double.parseDouble(values.get("best").getAsString());
        badEpochs = values.get("bad_epochs").getAsInt();
    }

    @Override
    public String toString() {
        return "ReduceLrOnPlateau{" + monitor + ", factor=" + factor + ", patience=" + patience + ", minFactor=" + minFactor + "}";
    }
}
