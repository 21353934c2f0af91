package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * SphereFace (A-Softmax, Liu et al. 2017, arXiv 1704.08063) as PML's {@code SphereFaceLoss}: the
 * {@link LargeMarginSoftmaxLoss} margin {@code ψ(θ) = (−1)^k cos(mθ) − 2k} on the target class, with the class
 * weights' norms left out: logits {@code ‖x_i‖·s·(cos θ_ic or ψ)}, cross-entropy, mean. Defaults m = 4, s = 1;
 * weights ~ N(0, 1).
 */
public final class SphereFaceLoss extends MultiplicativeMarginLoss {

    /** The integer angular multiplier m. */
    public static final Setting<Integer> MARGIN = MultiplicativeMarginLoss.MARGIN;
    /** The logit scale s. */
    public static final Setting<Double> SCALE = MultiplicativeMarginLoss.SCALE;
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SphereFaceLoss> SPEC = ComponentSpec.of("sphereface", SphereFaceLoss.class,
            SphereFaceLoss::new, NUM_CLASSES, EMBEDDING_SIZE, MARGIN, SCALE, REDUCER);

    private SphereFaceLoss(Settings settings) {
        super(settings);
    }

    /** {@code ‖x_i‖} only. */
    @Override
    NDArray magnitudes(NDArray embeddings, NDArray weights) {
        return norms(embeddings).expandDims(1);
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SphereFaceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends MultiplicativeMarginLoss.Builder<SphereFaceLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
