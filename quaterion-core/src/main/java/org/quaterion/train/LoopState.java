package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.eval.AttachedMetric.Stage;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a running fit that a checkpoint keeps (epoch, step, history, the monitored best, the learning-rate
 * factor, the components' states) and the {@link TrainingContext} callbacks see; the trainer's loop extends it.
 */
abstract class LoopState implements TrainingContext {

    private static final Logger LOG = LoggerFactory.getLogger(LoopState.class);
    /** The key of a stateful loss's state in checkpoints. */
    private static final String LOSS_STATE = "loss";
    private static final String MINER_STATE = "miner";
    /** How values that are not attached metrics are logged. */
    private static final AttachedMetric.LogOptions EVERYWHERE = new AttachedMetric.LogOptions(true, true, true, true);

    final TrainableModel<?> trainable;
    final TrainerConfig config;
    final SimilarityModel<?> model;
    final Map<String, NDArray> parameters;
    final List<Callback> callbacks;
    final List<Map<String, Double>> history = new ArrayList<>();
    final List<Double> stepLosses = new ArrayList<>();
    final JsonObject record;
    long globalStep;
    /** Epochs completed; the epoch running is {@code completed + 1}. */
    int completed;
    boolean epochEnded;
    double best = Double.NaN;
    int bestEpoch;
    int badEpochs;
    double learningRateFactor = 1;
    String stopReason;
    private boolean warnedNothingLearned;
    /** The row of the epoch that is ending, open for {@link #addEpochValue} during {@code beforeEpochEnd}. */
    Map<String, Double> openRow;
    /** Component states read from a checkpoint, handed to each component after its {@code onFitStart}. */
    Map<String, ComponentState> pending = Map.of();

    LoopState(TrainableModel<?> trainable, TrainerConfig config, JsonObject record) {
        this.trainable = trainable;
        this.config = config;
        this.model = trainable.model();
        this.parameters = trainable.trainableParameters();
        this.record = record;
        List<Callback> sorted = new ArrayList<>(config.callbacks());
        sorted.sort((a, b) -> Integer.compare(a.order(), b.order())); // stable: ties keep the order added
        this.callbacks = List.copyOf(sorted);
        if (callbacks.stream().filter(c -> c instanceof WeightAveraging).count() > 1) {
            throw new IllegalArgumentException("a run keeps one weight average, but the callbacks hold "
                    + callbacks.stream().filter(c -> c instanceof WeightAveraging).toList() + "; remove one");
        }
    }

    @Override public TrainableModel<?> trainable() {
        return trainable;
    }

    @Override public SimilarityModel<?> model() {
        return model;
    }

    @Override public Map<String, NDArray> parameters() {
        return parameters;
    }

    @Override public Map<String, NDArray> evaluatedWeights() {
        return callbacks.stream().filter(c -> c instanceof WeightAveraging).map(c -> ((WeightAveraging) c)
                .averagedWeights()).filter(w -> w != null).findFirst().orElse(parameters);
    }

    @Override public void withEvaluatedWeights(Runnable action) {
        Map<String, NDArray> evaluated = evaluatedWeights();
        if (evaluated == parameters) {
            action.run();
            return;
        }
        try (BestWeights trained = new BestWeights(model.manager())) {
            trained.capture(parameters);
            parameters.forEach((k, p) -> p.set(new NDIndex(":"), evaluated.get(k).toType(p.getDataType(), false)));
            try {
                action.run();
            } finally {
                trained.restoreInto(parameters);
            }
        }
    }

    @Override public void addEpochValue(String key, double value) {
        if (openRow == null) {
            throw new IllegalStateException("addEpochValue(" + key + ") is only possible in Callback.beforeEpochEnd, "
                    + "while the epoch's row is open; move the call there");
        }
        if (key == null || key.isBlank() || openRow.containsKey(key)) {
            throw new IllegalArgumentException("epoch value '" + key + "' is blank or already in the row "
                    + openRow.keySet() + "; give each value a distinct name (a prefix per evaluator)");
        }
        openRow.put(key, value);
    }

    @Override public NDManager manager() {
        return model.manager();
    }

    @Override public TrainerConfig config() {
        return config;
    }

    @Override public int epoch() {
        return epochEnded ? completed : completed + 1;
    }

    @Override public int completedEpochs() {
        return completed;
    }

    @Override public long globalStep() {
        return globalStep;
    }

    @Override public List<Map<String, Double>> history() {
        return Collections.unmodifiableList(history);
    }

    @Override public double learningRateFactor() {
        return learningRateFactor;
    }

    @Override public void setLearningRateFactor(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the learning-rate factor must be finite and > 0, got " + factor);
        }
        learningRateFactor = factor;
    }

    @Override public int bestEpoch() {
        return bestEpoch;
    }

    @Override public double bestValue() {
        return best;
    }

    @Override public int epochsWithoutImprovement() {
        return badEpochs;
    }

    @Override public void requestStop(String reason) {
        stopReason = reason == null ? "a stop request" : reason;
    }

    @Override public boolean stopRequested() {
        return stopReason != null;
    }

    @Override public AttachedMetric.LogOptions logOptions(String key) {
        for (AttachedMetric m : trainable.metrics()) {
            for (Stage stage : Stage.values()) {
                if (m.key(stage).equals(key)) {
                    return m.options();
                }
            }
        }
        return EVERYWHERE;
    }

    @Override public JsonObject trainingRecord() {
        return record.deepCopy();
    }

    /** Records an epoch's row and updates the monitored best. */
    void endEpoch(Map<String, Double> row) {
        history.add(row);
        completed++;
        epochEnded = true;
        config.monitor().ifPresent(monitor -> {
            Double value = row.get(monitor.name());
            if (value == null) {
                throw new IllegalArgumentException("the run monitors '" + monitor.name() + "' but the epoch produced "
                        + "only " + row.keySet() + "; give a validation loader or monitor another value");
            }
            if (monitor.improves(value, best)) {
                best = value;
                bestEpoch = completed;
                badEpochs = 0;
            } else {
                badEpochs++;
            }
        });
    }

    /**
     * The loss's state when it keeps one (a cross-batch memory), the per-dataset losses' ({@code loss/<dataset>}), the
     * miner's ({@code miner}, a sampling miner's call count),
     * then each stateful callback's.
     */
    private Map<String, Stateful> statefulComponents() {
        Map<String, Stateful> out = new LinkedHashMap<>();
        SimilarityLoss loss = trainable.loss();
        if (loss instanceof Stateful s) {
            out.put(LOSS_STATE, s);
        }
        trainable.datasetLosses().forEach((name, l) -> {
            if (l instanceof Stateful s) {
                out.put(LOSS_STATE + "/" + name, s);
            }
        });
        if (trainable.miner() instanceof Stateful s) { // a sampling miner's position in its random stream
            out.put(MINER_STATE, s);
        }
        for (Callback c : callbacks) {
            if (c instanceof Stateful s) {
                if (out.put(c.name(), s) != null) {
                    throw new IllegalArgumentException("two stateful components named '" + c.name() + "'; override "
                            + "name() in one of them");
                }
            }
        }
        return out;
    }

    @Override public void writeCheckpoint(Path dir) throws IOException {
        try (NDManager manager = model.manager().newSubManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            parameters.forEach((k, v) -> {
                NDArray c = v.stopGradient().duplicate();
                c.attach(manager);
                params.put(k, c);
            });
            Map<String, ComponentState> states = new LinkedHashMap<>();
            statefulComponents().forEach((k, s) -> states.put(k, s.saveState(manager)));
            new Checkpoint(completed, globalStep, config.seed(), best, badEpochs, bestEpoch, learningRateFactor,
                    history, params, trainable.optimizer().state(manager), record, states).write(dir);
        }
    }

    /** Restores the loop, the weights, the optimizer and the loss from a checkpoint; callbacks get theirs later. */
    void resume(Path dir) throws IOException {
        try (NDManager manager = model.manager().newSubManager()) {
            Checkpoint c = Checkpoint.read(dir, manager);
            List<String> differences = TrainingRecord.differences(c.training(), record);
            if (!differences.isEmpty()) {
                if (!config.allowsResumeMismatch()) {
                    throw new IllegalArgumentException("checkpoint " + dir + " was written by a run set up "
                            + "differently: " + String.join("; ", differences) + ". Resume with the same settings, or "
                            + "allow it with TrainerConfig.withResumeMismatchAllowed(true)");
                }
                LOG.warn("resuming from {} with different settings (allowed): {}", dir, differences);
            }
            if (!c.parameters().keySet().equals(parameters.keySet())) {
                throw new IllegalArgumentException("checkpoint " + dir + " holds parameters " + c.parameters().keySet()
                        + " but the model has " + parameters.keySet() + "; resume with the same TrainableModel");
            }
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray saved = c.parameters().get(e.getKey());
                if (!saved.getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException("parameter " + e.getKey() + " is " + saved.getShape()
                            + " in the checkpoint but " + e.getValue().getShape() + " in the model");
                }
                e.getValue().set(new NDIndex(":"), saved.toType(e.getValue().getDataType(), false));
            }
            trainable.optimizer().restore(c.optimizer(), model.manager().newSubManager());
            completed = c.completedEpochs();
            globalStep = c.globalStep();
            best = c.best();
            badEpochs = c.badEpochs();
            bestEpoch = c.bestEpoch();
            learningRateFactor = c.learningRateFactor();
            for (Map<String, Double> row : c.history()) {
                // rows are numbered by position from 1, whatever numbering the checkpoint's writer used
                Map<String, Double> numbered = new LinkedHashMap<>(row);
                numbered.put("epoch", (double) (history.size() + 1));
                history.add(numbered);
            }
            Map<String, Stateful> components = statefulComponents();
            for (String name : c.components().keySet()) {
                if (!components.containsKey(name)) {
                    LOG.warn("checkpoint {} holds the state of '{}', which this run does not have: it is ignored", dir,
                            name);
                }
            }
            Map<String, ComponentState> copies = new LinkedHashMap<>();
            c.components().forEach((name, state) -> copies.put(name, detach(state)));
            pending = copies;
            if (c.seed() != config.seed()) {
                LOG.warn("resuming a run seeded {} with seed {}: the continuation will not reproduce the original",
                        c.seed(), config.seed());
            }
            LOG.info("resumed from {} after epoch {} (step {}); continuing with epoch {}", dir, completed, globalStep,
                    completed + 1);
        }
        statefulComponents().forEach((name, component) -> {
            if (name.equals(LOSS_STATE) || name.startsWith(LOSS_STATE + "/") || name.equals(MINER_STATE)) {
                restorePending(name, component);
            }
        });
    }

    /** A copy of a read state whose arrays outlive the checkpoint's manager (closed in {@link #restorePending}). */
    private ComponentState detach(ComponentState state) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        state.arrays().forEach((k, v) -> {
            NDArray c = v.duplicate();
            c.attach(model.manager());
            arrays.put(k, c);
        });
        return new ComponentState(state.values(), arrays);
    }

    /** Hands a component its state read from the checkpoint, if any. */
    void restorePending(String name, Stateful component) {
        if (component == null) {
            return;
        }
        ComponentState state = pending.get(name);
        if (state == null) {
            if (completed > 0) {
                LOG.warn("the checkpoint has no state for '{}': it starts afresh", name);
            }
            return;
        }
        try {
            component.loadState(state);
        } finally {
            state.arrays().values().forEach(NDArray::close);
        }
    }

    double checkFinite(NDArray loss, Stage stage) {
        double value = loss.toType(DataType.FLOAT64, false).getDouble();
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("the " + stage.key() + " loss is " + value + " at epoch " + epoch()
                    + ", step " + globalStep + "; lower the learning rate, clip gradients (withGradientClipNorm) or "
                    + "check the inputs");
        }
        return value;
    }

    /** Warns once when every step of an epoch had a loss of exactly 0: nothing is being learned. */
    void warnIfNothingLearned(int firstStep) {
        List<Double> epochLosses = stepLosses.subList(firstStep, stepLosses.size());
        if (warnedNothingLearned || epochLosses.isEmpty() || epochLosses.stream().anyMatch(l -> l != 0.0)) {
            return;
        }
        warnedNothingLearned = true;
        LOG.warn("every training step of epoch {} had a loss of exactly 0: nothing is being learned. Typical causes: "
                + "a single group or class (no negatives), batches without positive pairs (use a BalanceSampler), or "
                + "a margin of 0 that every tuple already satisfies", epoch());
    }

    void fire(Consumer<Callback> event) {
        callbacks.forEach(event);
    }
}
