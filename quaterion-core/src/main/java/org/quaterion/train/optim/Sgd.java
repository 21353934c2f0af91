package org.quaterion.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;

/** Stochastic gradient descent with optional momentum, as {@code torch.optim.SGD}: {@code b ← μb + g; w ← w − lr·b}. */
public final class Sgd implements GradientOptimizer {

    private final double learningRate;
    private final double momentum;
    private final Map<String, NDArray> buffers = new HashMap<>();
    private NDManager owner;

    /**
     * Creates SGD.
     *
     * @param learningRate base rate, positive
     * @param momentum momentum in [0, 1)
     */
    public Sgd(double learningRate, double momentum) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate) || !(momentum >= 0) || momentum >= 1) {
            throw new IllegalArgumentException("SGD needs learningRate > 0 and momentum in [0, 1), got "
                    + learningRate + " and " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void step(Map<String, NDArray> parameters, double lr) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray w = e.getValue();
            if (owner == null) {
                owner = w.getManager().newSubManager();
            }
            try (NDScope scope = new NDScope()) {
                NDArray g = w.getGradient();
                if (momentum == 0) {
                    w.subi(Scalars.mul(g, lr));
                    continue;
                }
                NDArray b = buffers.get(e.getKey());
                if (b == null) {
                    b = g.duplicate();
                    NDScope.unregister(b);
                    b.attach(owner);
                    buffers.put(e.getKey(), b);
                } else {
                    b.muli(momentum).addi(g);
                }
                w.subi(Scalars.mul(b, lr));
            }
        }
    }

    @Override
    public Map<String, NDArray> state(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        buffers.forEach((k, v) -> {
            NDArray c = v.duplicate();
            c.attach(manager);
            out.put("b/" + k, c);
        });
        return out;
    }

    @Override
    public void reset() {
        buffers.clear();
        if (owner != null) {
            owner.close();
            owner = null;
        }
    }

    @Override
    public void restore(Map<String, NDArray> state, NDManager stateManager) {
        buffers.clear();
        owner = stateManager;
        state.forEach((k, v) -> {
            if (!k.startsWith("b/")) {
                throw new IllegalArgumentException("unknown SGD state entry '" + k + "' in the checkpoint");
            }
            NDArray c = v.duplicate();
            c.attach(stateManager);
            buffers.put(k.substring(2), c);
        });
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + learningRate + ", momentum=" + momentum + ")";
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = GradientOptimizer.super.config();
        json.addProperty("momentum", momentum);
        return json;
    }
}
