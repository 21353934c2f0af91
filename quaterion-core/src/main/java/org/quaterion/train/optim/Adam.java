package org.quaterion.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba), with optional decoupled weight decay (AdamW, Loshchilov and Hutter) — the update of
 * {@code torch.optim.Adam} / {@code AdamW}: {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²},
 * {@code w ← w − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)} and, with weight decay λ, {@code w ← w − lr·λ·w} first.
 */
public final class Adam extends PerParameterOptimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Map<String, NDArray> means = new HashMap<>();
    private final Map<String, NDArray> variances = new HashMap<>();
    private final Map<String, Long> steps = new HashMap<>();

    /**
     * Creates Adam.
     *
     * @param learningRate base rate, positive
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param epsilon denominator guard, positive
     * @param weightDecay decoupled weight decay (0 = plain Adam)
     */
    private Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        super(learningRate);
        if (!(learningRate > 0) || Double.isInfinite(learningRate) || beta1 < 0 || beta1 >= 1 || beta2 < 0
                || beta2 >= 1 || !(epsilon > 0)
                || !(weightDecay >= 0) || Double.isInfinite(epsilon) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("Adam needs a finite learningRate > 0, betas in [0, 1), epsilon > 0 and "
                    + "weightDecay >= 0; got " + learningRate + ", " + beta1 + ", " + beta2 + ", " + epsilon + ", "
                    + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /**
     * Adam with PyTorch's defaults (β = 0.9, 0.999; ε = 1e-8; no weight decay).
     *
     * @param learningRate the rate
     * @return the optimizer
     */
    public static Adam of(double learningRate) {
        return builder().optLearningRate(learningRate).build();
    }

    /**
     * A builder that starts from PyTorch's defaults (lr 1e-3, β = 0.9, 0.999; ε = 1e-8; no weight decay).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One update, in place and with as few libtorch calls as the formula allows (a step's cost on small heads is the
     * calls, not the arithmetic): {@code m ← (m − g)·β₁ + g}, {@code v ← (v − g²)·β₂ + g²} (the same values as
     * torch's {@code mul_(β).add_(g, 1 − β)}), then {@code w ← w − (lr/c₁)·m / (√v/√c₂ + ε)}.
     */
    @Override
    void update(String name, NDArray w, NDArray g, double lr) {
        NDArray m = means.computeIfAbsent(name, k -> keep(w.zerosLike()));
        NDArray v = variances.computeIfAbsent(name, k -> keep(w.zerosLike()));
        long t = steps.merge(name, 1L, Long::sum);
        NDArray g2 = g.square();
        m.subi(g).muli(beta1).addi(g);
        v.subi(g2).muli(beta2).addi(g2);
        if (weightDecay > 0) {
            w.muli(1 - lr * weightDecay);
        }
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        NDArray denominator = v.sqrt().muli(1 / Math.sqrt(c2)).addi(epsilon);
        w.subi(m.div(denominator).muli(lr / c1));
    }

    @Override
    public Map<String, NDArray> state(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> mean : means.entrySet()) {
            String name = mean.getKey();
            out.put("m/" + name, copy(mean.getValue(), manager));
            out.put("v/" + name, copy(variances.get(name), manager));
            out.put("t/" + name, manager.create(new long[] {steps.get(name)}));
        }
        return out;
    }

    @Override
    void clearState() {
        means.clear();
        variances.clear();
        steps.clear();
    }

    @Override
    void restoreEntry(String key, NDArray value, NDManager owner) {
        String name = key.substring(2);
        if (key.startsWith("m/")) {
            means.put(name, copy(value, owner));
        } else if (key.startsWith("v/")) {
            variances.put(name, copy(value, owner));
        } else if (key.startsWith("t/")) {
            steps.put(name, value.toLongArray()[0]);
        } else {
            throw new IllegalArgumentException("unknown Adam state entry '" + key + "' in the checkpoint");
        }
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon
                + ", weightDecay=" + weightDecay + ")";
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = super.config();
        json.addProperty("beta1", beta1);
        json.addProperty("beta2", beta2);
        json.addProperty("epsilon", epsilon);
        json.addProperty("weight_decay", weightDecay);
        return json;
    }

    /** Builds {@link Adam} (AdamW with a weight decay): each setting by name, PyTorch's defaults for the rest. */
    public static final class Builder {

        private double learningRate = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double weightDecay;

        private Builder() {}

        /**
         * Sets the base learning rate (default 1e-3).
         *
         * @param learningRate positive
         * @return this builder
         */
        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the moment decays (default 0.9 and 0.999).
         *
         * @param beta1 first-moment decay in [0, 1)
         * @param beta2 second-moment decay in [0, 1)
         * @return this builder
         */
        public Builder optBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the denominator guard ε (default 1e-8).
         *
         * @param epsilon positive
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the decoupled weight decay λ, which makes this AdamW (default 0: plain Adam).
         *
         * @param weightDecay at least 0
         * @return this builder
         */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return Adam
         * @throws IllegalArgumentException when a setting is out of range
         */
        public Adam build() {
            return new Adam(learningRate, beta1, beta2, epsilon, weightDecay);
        }
    }
}
