package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.quaterion.models.tensor.Scalars;

/**
 * The exponential moving average of the trainable weights ({@link TrainerConfig#withEma}): a copy per parameter,
 * updated in place after each applied step, and swapped into the model for validation.
 */
final class WeightAverage implements AutoCloseable {

    private final double decay;
    private final NDManager manager;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final NDArray keep;
    private final NDArray take;

    /** Starts the average at the current weights. */
    WeightAverage(NDManager parent, double decay, Map<String, NDArray> parameters) {
        this.decay = decay;
        this.manager = parent.newSubManager();
        parameters.forEach((k, v) -> average.put(k, copy(v)));
        NDArray any = average.values().iterator().next();
        keep = Scalars.of(any, decay);
        keep.attach(manager);
        take = Scalars.of(any, 1 - decay);
        take.attach(manager);
    }

    private NDArray copy(NDArray v) {
        NDArray c = v.stopGradient().duplicate();
        c.attach(manager);
        return c;
    }

    /** {@code ema ← decay · ema + (1 − decay) · w} for every parameter, in place. */
    void update(Map<String, NDArray> parameters) {
        try (NDManager step = manager.newSubManager()) {
            parameters.forEach((k, w) -> {
                NDArray a = average.get(k);
                NDArray scaled = w.stopGradient().mul(take);
                scaled.attach(step);
                a.muli(keep).addi(scaled);
            });
        }
    }

    /** The averaged values (owned by this object). */
    Map<String, NDArray> values() {
        return average;
    }

    /** Replaces the averages (a resumed checkpoint's); names and shapes must match. */
    void load(Map<String, NDArray> saved) {
        if (!saved.keySet().equals(average.keySet())) {
            throw new IllegalArgumentException("the checkpoint's averaged weights are " + saved.keySet()
                    + " but the model has " + average.keySet() + "; resume with the same TrainableModel");
        }
        saved.forEach((k, v) -> average.get(k).set(new NDIndex(":"), v.toType(average.get(k).getDataType(), false)));
    }

    /** Writes the averages into the parameters. */
    void copyInto(Map<String, NDArray> parameters) {
        parameters.forEach((k, p) -> p.set(new NDIndex(":"), average.get(k).toType(p.getDataType(), false)));
    }

    /** Runs {@code body} with the averaged weights in the model, then puts the trained weights back. */
    <R> R swappedIn(Map<String, NDArray> parameters, Supplier<R> body) {
        try (BestWeights trained = new BestWeights(manager)) {
            trained.capture(parameters);
            copyInto(parameters);
            try {
                return body.get();
            } finally {
                trained.restoreInto(parameters);
            }
        }
    }

    @Override
    public void close() {
        average.clear();
        manager.close();
    }

    @Override
    public String toString() {
        return "WeightAverage{decay=" + decay + ", parameters=" + average.keySet() + "}";
    }
}
