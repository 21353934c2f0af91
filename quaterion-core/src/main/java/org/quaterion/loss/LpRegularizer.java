package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.models.tensor.Scalars;

/**
 * pytorch-metric-learning's {@code LpRegularizer}: the mean over rows of {@code ‖row‖_p^power}, a penalty on the
 * size of embeddings or of a loss's class weights. Used through {@link RegularizedLoss}.
 *
 * @param p the norm's order, a whole number ≥ 1 (PML's default 2)
 * @param power the power of the norm, &gt; 0 (PML's default 1)
 */
public record LpRegularizer(int p, double power) {

    /** Validates the settings. */
    public LpRegularizer {
        if (p < 1) {
            throw new IllegalArgumentException("LpRegularizer p must be a whole number >= 1, got " + p);
        }
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("LpRegularizer power must be finite and > 0, got " + power);
        }
    }

    /**
     * PML's defaults: the mean L2 norm.
     *
     * @return {@code LpRegularizer(2, 1)}
     */
    public static LpRegularizer defaults() {
        return new LpRegularizer(2, 1);
    }

    /**
     * The penalty.
     *
     * @param rows {@code (n, d)}
     * @return the scalar mean of {@code ‖row‖_p^power}
     */
    public NDArray compute(NDArray rows) {
        NDArray norms = rows.norm(p, new int[] {1}, false);
        return (power == 1 ? norms : Scalars.pow(norms, power)).mean();
    }

    /**
     * The settings.
     *
     * @return {@code {"p": …, "power": …}}
     */
    public JsonObject config() {
        JsonObject json = new JsonObject();
        json.addProperty("p", p);
        json.addProperty("power", power);
        return json;
    }
}
