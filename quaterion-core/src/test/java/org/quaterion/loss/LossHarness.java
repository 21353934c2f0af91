package org.quaterion.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/** Runs a loss forward and backward in float64 and returns the value and gradients. */
public final class LossHarness {

    /**
     * The value of a loss and its gradients.
     *
     * @param value the loss value
     * @param grad d value / d embeddings, row-major
     * @param weightGrad d value / d class weights (C×D row-major), or null
     */
    public record Result(double value, double[] grad, double[] weightGrad) {}

    private LossHarness() {}

    /**
     * Evaluates {@code loss(embeddings)} with gradient.
     *
     * @param manager the manager
     * @param embeddings the input rows
     * @param loss computes the scalar loss from the (gradient-tracking) embeddings
     * @param weights a parameter array whose gradient to report, or null
     * @return value and gradients
     */
    public static Result run(NDManager manager, double[][] embeddings, Function<NDArray, NDArray> loss,
            NDArray weights) {
        NDArray e = manager.create(embeddings);
        e.setRequiresGradient(true);
        if (weights != null) {
            weights.setRequiresGradient(true);
        }
        double value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray v = loss.apply(e);
            value = v.getDouble();
            gc.backward(v);
        }
        double[] grad = e.getGradient().toDoubleArray();
        double[] wg = weights == null ? null : weights.getGradient().toDoubleArray();
        return new Result(value, grad, wg);
    }

    /**
     * Central finite differences of a loss with respect to the embeddings (float64, step h).
     *
     * @param manager the manager
     * @param embeddings the input rows
     * @param loss the loss
     * @param h the step
     * @return the numerical gradient, row-major
     */
    public static double[] finiteDifference(NDManager manager, double[][] embeddings,
            Function<NDArray, NDArray> loss, double h) {
        int n = embeddings.length;
        int d = embeddings[0].length;
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                double keep = embeddings[i][k];
                embeddings[i][k] = keep + h;
                double plus;
                try (NDManager sub = manager.newSubManager()) {
                    plus = loss.apply(sub.create(embeddings)).getDouble();
                }
                embeddings[i][k] = keep - h;
                double minus;
                try (NDManager sub = manager.newSubManager()) {
                    minus = loss.apply(sub.create(embeddings)).getDouble();
                }
                embeddings[i][k] = keep;
                out[i * d + k] = (plus - minus) / (2 * h);
            }
        }
        return out;
    }

    /**
     * Largest absolute value.
     *
     * @param x values
     * @return max |x|
     */
    public static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Largest absolute difference.
     *
     * @param a values
     * @param b values
     * @return max |a − b|
     */
    public static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
