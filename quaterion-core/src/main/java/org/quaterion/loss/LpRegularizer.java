package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * pytorch-metric-learning's {@code LpRegularizer}: the mean over rows of {@code ‖row‖_p^power}, a penalty on the
 * size of embeddings or of a loss's class weights. Used through {@link RegularizedLoss}.
 *
 * @param p the norm's order, a whole number ≥ 1 (PML's default 2)
 * @param power the power of the norm, &gt; 0 (PML's default 1)
 */
public record LpRegularizer(int p, double power) implements Regularizer {

    /** The norm's order p. */
    public static final Setting<Integer> P = Setting.integer("p", 2, v -> v >= 1, "p >= 1 (a whole number)",
            "the order p of the norm");
    /** The power of the norm. */
    public static final Setting<Double> POWER = Setting.real("power", 1, v -> v > 0, "power > 0",
            "the power of the norm");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<LpRegularizer> SPEC = ComponentSpec.of("lp", LpRegularizer.class,
            s -> new LpRegularizer(s.get(P), s.get(POWER)), P, POWER);

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
    @Override
    public NDArray compute(NDArray rows) {
        NDArray norms = rows.norm(p, new int[] {1}, false);
        return (power == 1 ? norms : Scalars.pow(norms, power)).mean();
    }

    @Override
    public Settings settings() {
        return Settings.of(SPEC, Map.of(P, p, POWER, power));
    }

    /**
     * The settings.
     *
     * @return {@code {"p": …, "power": …}}
     */
    public JsonObject config() {
        return settings().toJson();
    }
}
