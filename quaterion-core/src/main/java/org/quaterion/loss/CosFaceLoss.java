package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * Large margin cosine loss (CosFace, Wang et al., arXiv 1801.09414): logits {@code s·(cos θ_ic − m·1[c = y_i])},
 * cross-entropy, mean. Defaults s = 64, m = 0.35. <b>Fixed</b>: Quaterion's {@code CosFaceLoss} computes
 * {@code s·cos(cos θ − m·1[y])}, applying cos to a cosine.
 */
public final class CosFaceLoss extends ClassWeightLoss {

    private final double scale;
    private final double margin;

    /**
     * Creates the loss.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param scale s
     * @param margin m
     * @param reducer the reducer of the per-sample losses, or null for the mean
     */
    private CosFaceLoss(int numClasses, int embeddingSize, double scale, double margin, Reducer reducer) {
        super(numClasses, embeddingSize, "class_weights", reducer);
        Args.positive("CosFaceLoss", "scale", scale);
        Args.atLeast("CosFaceLoss", "margin", margin, 0);
        this.scale = scale;
        this.margin = margin;
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray oneHot = targets(in, cos);
        NDArray logits = Scalars.mul(cos.sub(Scalars.mul(oneHot, margin)), scale);
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

    /** Builds a {@link CosFaceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<CosFaceLoss, Builder> {
        private double scale = 64;
        private double margin = 0.35;

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
         * Sets the cosine margin m (default 0.35).
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        @Override
        protected CosFaceLoss create() {
            return new CosFaceLoss(numClasses(), embeddingSize(), scale, margin, reducer());
        }
    }
}
