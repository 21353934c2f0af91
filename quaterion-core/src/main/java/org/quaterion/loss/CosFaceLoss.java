package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Large margin cosine loss (CosFace, Wang et al., arXiv 1801.09414): logits {@code s·(cos θ_ic − m·1[c = y_i])},
 * cross-entropy, mean. Defaults s = 64, m = 0.35. <b>Fixed</b>: Quaterion's {@code CosFaceLoss} computes
 * {@code s·cos(cos θ − m·1[y])}, applying cos to a cosine.
 */
public final class CosFaceLoss extends ClassWeightLoss {

    /** The logit scale s. */
    public static final Setting<Double> SCALE = Setting.real("scale", 64, v -> v > 0, "scale > 0",
            "the logit scale s");
    /** The cosine margin. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.35, v -> v >= 0, "margin >= 0",
            "the cosine margin m");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<CosFaceLoss> SPEC = ComponentSpec.of("cosface", CosFaceLoss.class, CosFaceLoss::new,
            NUM_CLASSES, EMBEDDING_SIZE, SCALE, MARGIN, REDUCER);

    private final double scale;
    private final double margin;

    private CosFaceLoss(Settings settings) {
        super(settings, "class_weights");
        this.scale = settings.get(SCALE);
        this.margin = settings.get(MARGIN);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray oneHot = targets(in, cos);
        NDArray logits = Scalars.mul(cos.sub(Scalars.mul(oneHot, margin)), scale);
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

    /** Builds a {@link CosFaceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<CosFaceLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link CosFaceLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }

        /**
         * Sets {@link CosFaceLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }
    }
}
