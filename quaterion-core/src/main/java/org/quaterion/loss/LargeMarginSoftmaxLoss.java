package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Large-margin softmax (L-Softmax, Liu et al. 2016, arXiv 1612.02295) as PML's {@code LargeMarginSoftmaxLoss}: with
 * {@code θ_ic} the angle between embedding i and class weight c, the target's {@code cos θ} becomes
 * {@code ψ(θ) = (−1)^k cos(mθ) − 2k} for {@code θ ∈ [kπ/m, (k+1)π/m]} ({@code cos(mθ)} by the multiple-angle
 * polynomial, k held constant in the gradient); logits {@code ‖W_c‖·‖x_i‖·s·(cos θ_ic or ψ)}, cross-entropy, mean.
 * Defaults m = 4, s = 1; weights ~ N(0, 1) (PML's {@code normal_}).
 */
public final class LargeMarginSoftmaxLoss extends MultiplicativeMarginLoss {

    /** The integer angular multiplier m. */
    public static final Setting<Integer> MARGIN = MultiplicativeMarginLoss.MARGIN;
    /** The logit scale s. */
    public static final Setting<Double> SCALE = MultiplicativeMarginLoss.SCALE;
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<LargeMarginSoftmaxLoss> SPEC = ComponentSpec.of("large_margin_softmax",
            LargeMarginSoftmaxLoss.class, LargeMarginSoftmaxLoss::new, NUM_CLASSES, EMBEDDING_SIZE, MARGIN, SCALE,
            REDUCER);

    private LargeMarginSoftmaxLoss(Settings settings) {
        super(settings);
    }

    /** {@code ‖x_i‖·‖W_c‖}. */
    @Override
    NDArray magnitudes(NDArray embeddings, NDArray weights) {
        return norms(embeddings).expandDims(1).mul(norms(weights).expandDims(0));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LargeMarginSoftmaxLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends MultiplicativeMarginLoss.Builder<LargeMarginSoftmaxLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
