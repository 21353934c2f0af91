package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import com.google.gson.JsonObject;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * Additive angular margin (ArcFace, Deng et al., arXiv 1801.07698), as PML's {@code ArcFaceLoss}: with
 * {@code cos θ_ic} between embedding i and class weight c, the target logit becomes {@code cos(θ_y + m)} when
 * {@code θ_y ≤ π − m} and {@code cos θ_y − m·sin m} otherwise (keeps it monotonic); logits × s, cross-entropy, mean.
 * Margin in radians (Quaterion's unit; PML's degrees via {@link Builder#optMarginDegrees}). Equals Quaterion's
 * ArcFace wherever {@code θ_y + m ≤ π}. Cosines are clamped to ±(1 − 1e-7) so the {@code acos} gradient stays
 * finite.
 */
public final class ArcFaceLoss extends ClassWeightLoss {

    private final double scale;
    private final double margin;

    /**
     * Creates the loss.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param scale s (default 64)
     * @param marginRadians m in radians (Quaterion default 0.5)
     * @param reducer the reducer of the per-sample losses, or null for the mean
     */
    private ArcFaceLoss(int numClasses, int embeddingSize, double scale, double marginRadians, Reducer reducer) {
        super(numClasses, embeddingSize, "class_weights", reducer);
        if (!(scale > 0) || Double.isInfinite(scale) || !(marginRadians >= 0 && marginRadians < Math.PI)) {
            throw new IllegalArgumentException("ArcFaceLoss needs a finite scale > 0 and margin in [0, π) radians, "
                    + "got "
                    + scale + " and " + marginRadians);
        }
        this.scale = scale;
        this.margin = marginRadians;
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray oneHot = targets(in, cos);
        NDArray target = cos.mul(oneHot).sum(new int[] {1});
        NDArray theta = target.clip(-1 + 1e-7, 1 - 1e-7).acos();
        NDArray modified = NDArrays.where(theta.lte(Math.PI - margin), theta.add(margin).cos(),
                theta.cos().sub(margin * Math.sin(margin)));
        NDArray logits = Scalars.mul(cos.add(oneHot.mul(modified.sub(target).expandDims(1))), scale);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("scale", scale);
        json.addProperty("margin", margin);
        return json;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ArcFaceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<ArcFaceLoss, Builder> {
        private double scale = 64;
        private double margin = 0.5;

        private Builder() {}

        /**
         * Sets the logit scale s (default 64).
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            this.scale = scale;
            return this;
        }

        /**
         * Sets the angular margin m in radians, Quaterion's unit (default 0.5; see {@link #optMarginDegrees}).
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets the angular margin in degrees, PML's unit (PML default 28.6).
         *
         * @param marginDegrees m in degrees
         * @return this builder
         */
        public Builder optMarginDegrees(double marginDegrees) {
            return optMargin(Math.toRadians(marginDegrees));
        }

        @Override
        protected ArcFaceLoss create() {
            return new ArcFaceLoss(numClasses(), embeddingSize(), scale, margin, reducer());
        }
    }
}
