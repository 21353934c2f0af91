package org.quaterion.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Adam and AdamW against {@code torch.optim.Adam} / {@code AdamW}'s update written out in plain Java doubles, over
 * several steps with changing gradients, in float64; and a restored state continues exactly.
 */
class AdamTest {

    private static final int STEPS = 5;

    @Test
    void updatesFollowTorchsFormula() {
        int checked = 0;
        for (Adam adam : new Adam[] {Adam.of(1e-2), Adam.builder().optLearningRate(3e-3).optBetas(0.8, 0.99)
                .optEpsilon(1e-6).optWeightDecay(0.1).build()}) {
            JsonObject c = adam.config();
            double lr = adam.learningRate();
            double b1 = c.get("beta1").getAsDouble();
            double b2 = c.get("beta2").getAsDouble();
            double eps = c.get("epsilon").getAsDouble();
            double wd = c.get("weight_decay").getAsDouble();
            Random random = new Random(3);
            double[] w = random.doubles(6, -1, 1).toArray();
            double[] m = new double[6];
            double[] v = new double[6];
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray param = manager.create(w.clone());
                param.setRequiresGradient(true);
                Map<String, NDArray> params = new LinkedHashMap<>();
                params.put("w", param);
                for (int t = 1; t <= STEPS; t++) {
                    double[] g = random.doubles(6, -2, 2).toArray();
                    setGradient(param, g);
                    adam.step(params, lr);
                    for (int i = 0; i < 6; i++) { // torch: AdamW decays first, then the Adam step
                        w[i] *= 1 - lr * wd;
                        m[i] = b1 * m[i] + (1 - b1) * g[i];
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                        w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
                    }
                    double[] got = param.toDoubleArray();
                    for (int i = 0; i < 6; i++) {
                        assertEquals(w[i], got[i], 1e-13 * Math.max(1, Math.abs(w[i])), adam + " step " + t);
                    }
                    checked++;
                }
            }
        }
        System.out.println("AdamTest: " + checked + " steps equal to torch's update");
    }

    @Test
    void aRestoredStateContinuesExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] start = {0.5, -0.25, 1.0};
            Adam first = Adam.of(1e-2);
            NDArray a = param(manager, start);
            NDArray b = param(manager, start);
            for (int t = 0; t < 3; t++) {
                step(first, a, manager, t);
            }
            Adam resumed = Adam.of(1e-2);
            Adam original = Adam.of(1e-2);
            for (int t = 0; t < 3; t++) {
                step(original, b, manager, t);
            }
            resumed.restore(original.state(manager), manager);
            step(first, a, manager, 3);
            step(resumed, b, manager, 3);
            assertEquals(Arrays.toString(a.toDoubleArray()), Arrays.toString(b.toDoubleArray()));
        }
    }

    /** Makes {@code g} the parameter's gradient, through a backward pass of {@code Σ p·g}. */
    private static void setGradient(NDArray p, double[] g) {
        NDArray old = p.getGradient();
        old.subi(old); // backward adds into the gradient, as the trainer's zeroing assumes
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(p.getManager().create(g)).sum());
        }
    }

    private static NDArray param(NDManager manager, double[] values) {
        NDArray p = manager.create(values.clone());
        p.setRequiresGradient(true);
        return p;
    }

    private static void step(Adam adam, NDArray p, NDManager manager, int t) {
        setGradient(p, new double[] {0.1 * t - 0.2, 0.3, -0.05 * t});
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("w", p);
        adam.step(params, 1e-2);
    }
}
