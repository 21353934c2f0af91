package org.quaterion.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;

/** Stochastic gradient descent with optional momentum, as {@code torch.optim.SGD}: {@code b ← μb + g; w ← w − lr·b}. */
public final class Sgd extends PerParameterOptimizer {

    private final double momentum;
    private final Map<String, NDArray> buffers = new HashMap<>();

    /**
     * Creates SGD.
     *
     * @param learningRate base rate, positive
     * @param momentum momentum in [0, 1)
     */
    public Sgd(double learningRate, double momentum) {
        super(learningRate);
        if (!(learningRate > 0) || Double.isInfinite(learningRate) || !(momentum >= 0) || momentum >= 1) {
            throw new IllegalArgumentException("SGD needs learningRate > 0 and momentum in [0, 1), got "
                    + learningRate + " and " + momentum);
        }
        this.momentum = momentum;
    }

    @Override
    void update(String name, NDArray w, NDArray g, double lr) {
        if (momentum == 0) {
            w.subi(Scalars.mul(g, lr));
            return;
        }
        NDArray b = buffers.get(name);
        if (b == null) {
            b = keep(g.duplicate());
            buffers.put(name, b);
        } else {
            b.muli(momentum).addi(g);
        }
        w.subi(Scalars.mul(b, lr));
    }

    @Override
    public Map<String, NDArray> state(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        buffers.forEach((k, v) -> out.put("b/" + k, copy(v, manager)));
        return out;
    }

    @Override
    void clearState() {
        buffers.clear();
    }

    @Override
    void restoreEntry(String key, NDArray value, NDManager owner) {
        if (!key.startsWith("b/")) {
            throw new IllegalArgumentException("unknown SGD state entry '" + key + "' in the checkpoint");
        }
        buffers.put(key.substring(2), copy(value, owner));
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + learningRate() + ", momentum=" + momentum + ")";
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = super.config();
        json.addProperty("momentum", momentum);
        return json;
    }
}
