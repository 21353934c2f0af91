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
 * Large-margin softmax (L-Softmax, Liu et al. 2016, arXiv 1612.02295) as PML's {@code LargeMarginSoftmaxLoss}: with
 * {@code θ_ic} the angle between embedding i and class weight c, the target's {@code cos θ} becomes
 * {@code ψ(θ) = (−1)^k cos(mθ) − 2k} for {@code θ ∈ [kπ/m, (k+1)π/m]} ({@code cos(mθ)} by the multiple-angle
 * polynomial, k held constant in the gradient); logits {@code ‖W_c‖·‖x_i‖·s·(cos θ_ic or ψ)}, cross-entropy, mean.
 * Defaults m = 4, s = 1; weights ~ N(0, 1) (PML's {@code normal_}).
 */
public final class LargeMarginSoftmaxLoss extends ClassWeightLoss {

    /** The integer angular multiplier m. */
    public static final Setting<Integer> MARGIN = Setting.integer("margin", 4, v -> v >= 1, "margin >= 1",
            "the angular multiplier m (an integer): the target angle counts m times");
    /** The logit scale s. */
    public static final Setting<Double> SCALE = Setting.real("scale", 1, v -> v > 0, "scale > 0",
            "the logit scale s");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<LargeMarginSoftmaxLoss> SPEC = ComponentSpec.of("large_margin_softmax",
            LargeMarginSoftmaxLoss.class, LargeMarginSoftmaxLoss::new, NUM_CLASSES, EMBEDDING_SIZE, MARGIN, SCALE,
            REDUCER);

    private final int margin;
    private final double scale;

    private LargeMarginSoftmaxLoss(Settings settings) {
        super(settings, "class_weights", new NormalInitializer(1f));
        this.margin = settings.get(MARGIN);
        this.scale = settings.get(SCALE);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray magnitudes = norms(in.embeddings()).expandDims(1).mul(norms(weights).expandDims(0));
        NDArray logits = Scalars.mul(marginCosines(cos, targets(in, cos), margin).mul(magnitudes), scale);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    /**
     * The cosines with each target's {@code cos θ} replaced by {@code ψ(θ) = (−1)^k cos(mθ) − 2k}, k =
     * {@code ⌊θ m / π⌋} (no gradient through k), {@code cos(mθ) = Σ_j (−1)^j C(m, 2j) cos^{m−2j} θ sin^{2j} θ}.
     * Shared with {@link SphereFaceLoss}.
     *
     * @param cos {@code (n, C)} cosines
     * @param oneHot {@code (n, C)} the labels one-hot
     * @param margin m
     * @return {@code (n, C)} the modified cosines
     */
    static NDArray marginCosines(NDArray cos, NDArray oneHot, int margin) {
        NDArray target = cos.mul(oneHot).sum(new int[] {1});
        NDArray sinSquared = target.square().neg().add(1);
        NDArray cosM = null;
        double binomial = 1; // C(m, 2j), updated term by term
        for (int j = 0; 2 * j <= margin; j++) {
            if (j > 0) {
                binomial = binomial * (margin - 2 * j + 2) * (margin - 2 * j + 1) / ((2.0 * j - 1) * (2.0 * j));
            }
            NDArray cosPart = power(target, margin - 2 * j);
            NDArray sinPart = power(sinSquared, j);
            NDArray term = cosPart == null ? sinPart : sinPart == null ? cosPart : cosPart.mul(sinPart);
            term = Scalars.mul(term, j % 2 == 0 ? binomial : -binomial);
            cosM = cosM == null ? term : cosM.add(term);
        }
        NDArray k = Scalars.div(target.stopGradient().clip(-1, 1).acos(), Math.PI / margin).floor();
        NDArray sign = Scalars.mul(k.sub(Scalars.mul(Scalars.div(k, 2).floor(), 2)), -2).add(1); // (−1)^k
        NDArray psi = cosM.mul(sign).sub(Scalars.mul(k, 2));
        return cos.add(oneHot.mul(psi.sub(target).expandDims(1)));
    }

    /** {@code x^p} for a whole p ≥ 0 by products; null for p = 0 (the factor 1; never both factors of a term). */
    private static NDArray power(NDArray x, int p) {
        NDArray out = null;
        for (int i = 0; i < p; i++) {
            out = out == null ? x : out.mul(x);
        }
        return out;
    }

    /**
     * The L2 norm of each row.
     *
     * @param rows {@code (n, d)}
     * @return {@code (n)}
     */
    static NDArray norms(NDArray rows) {
        return rows.norm(2, new int[] {1}, false);
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
    public static final class Builder extends ClassWeightLoss.Builder<LargeMarginSoftmaxLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link LargeMarginSoftmaxLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(int margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link LargeMarginSoftmaxLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }
    }
}
