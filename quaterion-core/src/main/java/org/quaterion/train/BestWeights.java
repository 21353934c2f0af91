package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/** A copy of the trainable parameters at the best epoch, on the training device, for restore-best at the end of fit. */
final class BestWeights implements AutoCloseable {

    private final NDManager parent;
    private NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();

    BestWeights(NDManager parent) {
        this.parent = parent;
    }

    /** Replaces the kept copy with the given values. */
    void capture(Map<String, NDArray> values) {
        NDManager next = parent.newSubManager();
        Map<String, NDArray> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            NDArray c = v.stopGradient().duplicate();
            c.attach(next);
            copy.put(k, c);
        });
        close();
        manager = next;
        weights.putAll(copy);
    }

    /** Writes the kept copy into the parameters (same names and shapes). */
    void restoreInto(Map<String, NDArray> parameters) {
        parameters.forEach((k, p) -> {
            NDArray saved = weights.get(k);
            if (saved == null || !saved.getShape().equals(p.getShape())) {
                throw new IllegalStateException("the best weights lack parameter " + k + " of shape " + p.getShape());
            }
            p.set(new NDIndex(":"), saved.toType(p.getDataType(), false));
        });
    }

    @Override
    public void close() {
        weights.clear();
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
