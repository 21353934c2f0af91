package org.quaterion.examples.docs;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.Map;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;
import org.quaterion.train.Callback;
import org.quaterion.train.Monitor;
import org.quaterion.train.ReduceLrOnPlateau;
import org.quaterion.train.StochasticWeightAveraging;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.TrainingContext;

/** docs/training.md, a user callback. */
final class TrainingCallback {

    private TrainingCallback() {}

    static TrainerConfig config() {
        // snippet-start
        /** Stops when the validation loss drops below a target; counts the epochs it has seen (checkpointed). */
        final class StopAtTarget implements Callback, Stateful {
            private final double target;
            private int seen;

            StopAtTarget(double target) {
                this.target = target;
            }

            @Override
            public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
                seen++;
                if (row.getOrDefault("validation_loss", Double.NaN) < target) {
                    context.requestStop("validation_loss below " + target + " after " + seen + " epochs");
                }
            }

            @Override
            public ComponentState saveState(NDManager manager) {
                JsonObject values = new JsonObject();
                values.addProperty("seen", seen);
                return ComponentState.of(values);
            }

            @Override
            public void loadState(ComponentState state) {
                seen = state.values().get("seen").getAsInt();
            }
        }

        TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(50)
                .withCallback(new StopAtTarget(0.05))
                .withCallback(new ReduceLrOnPlateau(Monitor.validationLoss(), 0.5, 2, 0.01))
                .withCallback(new StochasticWeightAveraging(30));
        // snippet-end
        return config;
    }
}
