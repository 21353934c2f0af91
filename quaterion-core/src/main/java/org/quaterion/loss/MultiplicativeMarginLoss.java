package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * The multiplicative angular margin shared by {@link LargeMarginSoftmaxLoss} and {@link SphereFaceLoss} (PML's
 * SphereFace extends its L-Softmax): the target's {@code cos θ} becomes {@code ψ(θ) = (−1)^k cos(mθ) − 2k}, the
 * logits are {@code magnitude · s · (cos θ or ψ)}, cross-entropy per sample; the two differ in the magnitude.
 * Weights ~ N(0, 1) (PML's {@code normal_}).
 */
abstract class MultiplicativeMarginLoss extends ClassWeightLoss {

    /** The integer angular multiplier m. */
    static final Setting<Integer> MARGIN = Setting.integer("margin", 4, v -> v >= 1, "margin >= 1",
            "the angular multiplier m (an integer): the target angle counts m times");
    /** The logit scale s. */
    static final Setting<Double> SCALE = Setting.real("scale", 1, v -> v > 0, "scale > 0", "the logit scale s");

    private final int margin;
    private final double scale;

    MultiplicativeMarginLoss(Settings settings) {
        super(settings, "class_weights", new NormalInitializer(1f));
        this.margin = settings.get(MARGIN);
        this.scale = settings.get(SCALE);
    }

    /**
     * The factor of each logit besides s.
     *
     * @param embeddings {@code (n, D)}
     * @param weights {@code (C, D)}
     * @return an array that broadcasts to {@code (n, C)}
     */
    abstract NDArray magnitudes(NDArray embeddings, NDArray weights);

    @Override
    protected final LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray logits = Scalars.mul(marginCosines(cos, targets(in, cos), margin).mul(magnitudes(in.embeddings(),
                weights)), scale);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    /**
     * The cosines with each target's {@code cos θ} replaced by {@code ψ(θ) = (−1)^k cos(mθ) − 2k}, k =
     * {@code ⌊θ m / π⌋} (no gradient through k), {@code cos(mθ) = Σ_j (−1)^j C(m, 2j) cos^{m−2j} θ sin^{2j} θ}.
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
     * The builder of both losses: m and s.
     *
     * @param <L> the loss
     * @param <B> the concrete builder
     */
    public abstract static class Builder<L extends MultiplicativeMarginLoss, B extends Builder<L, B>>
            extends ClassWeightLoss.Builder<L, B> {

        /**
         * Creates a builder.
         *
         * @param spec the loss's declaration
         */
        Builder(ComponentSpec<L> spec) {
            super(spec);
        }

        /**
         * Sets the integer angular multiplier m ({@code margin}).
         *
         * @param margin the value, at least 1
         * @return this builder
         */
        public final B optMargin(int margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets the logit scale s ({@code scale}).
         *
         * @param scale the value
         * @return this builder
         */
        public final B optScale(double scale) {
            return set(SCALE, scale);
        }
    }
}
