package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
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
public final class SphereFaceLoss extends ClassWeightLoss {

    /** The integer angular multiplier m. */
    public static final Setting<Integer> MARGIN = LargeMarginSoftmaxLoss.MARGIN;
    /** The logit scale s. */
    public static final Setting<Double> SCALE = LargeMarginSoftmaxLoss.SCALE;
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SphereFaceLoss> SPEC = ComponentSpec.of("sphereface", SphereFaceLoss.class,
            SphereFaceLoss::new, NUM_CLASSES, EMBEDDING_SIZE, MARGIN, SCALE, REDUCER);

    private final int margin;
    private final double scale;

    private SphereFaceLoss(Settings settings) {
        super(settings, "class_weights", new NormalInitializer(1f));
        this.margin = settings.get(MARGIN);
        this.scale = settings.get(SCALE);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray modified = LargeMarginSoftmaxLoss.marginCosines(cos, targets(in, cos), margin);
        NDArray logits = Scalars.mul(modified.mul(LargeMarginSoftmaxLoss.norms(in.embeddings()).expandDims(1)), scale);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
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
    public static final class Builder extends ClassWeightLoss.Builder<SphereFaceLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SphereFaceLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(int margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link SphereFaceLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }
    }
}
