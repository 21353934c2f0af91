package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Additive angular margin (ArcFace, Deng et al., arXiv 1801.07698), as PML's {@code ArcFaceLoss}: with
 * {@code cos θ_ic} between embedding i and class weight c, the target logit becomes {@code cos(θ_y + m)} when
 * {@code θ_y ≤ π − m} and {@code cos θ_y − m·sin m} otherwise (keeps it monotonic); logits × s, cross-entropy, mean.
 * Margin in radians (Quaterion's unit; PML's degrees via {@link Builder#optMarginDegrees}). Equals Quaterion's
 * ArcFace wherever {@code θ_y + m ≤ π}. Cosines are clamped to ±(1 − 1e-7) so the {@code acos} gradient stays
 * finite.
 */
public final class ArcFaceLoss extends ClassWeightLoss {

    /** The logit scale s. */
    public static final Setting<Double> SCALE = Setting.real("scale", 64, v -> v > 0, "a finite scale > 0",
            "the logit scale s");
    /** The angular margin in radians. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.5, v -> v >= 0 && v < Math.PI,
            "margin in [0, π) radians", "the angular margin m in radians, Quaterion's unit (PML: degrees)");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ArcFaceLoss> SPEC = ComponentSpec.of("arcface", ArcFaceLoss.class, ArcFaceLoss::new,
            NUM_CLASSES, EMBEDDING_SIZE, SCALE, MARGIN, REDUCER);

    private final double scale;
    private final double margin;

    private ArcFaceLoss(Settings settings) {
        super(settings, "class_weights");
        this.scale = settings.get(SCALE);
        this.margin = settings.get(MARGIN);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        return perSample(in, LossMath.crossEntropy(marginLogits(cos, targets(in, cos), margin, scale), in.labels()));
    }

    /**
     * ArcFace's logits from the cosines to the classes: the target's {@code cos θ} replaced by {@code cos(θ + m)}
     * (or {@code cos θ − m·sin m} past {@code π − m}), all times s. Shared with {@link SubCenterArcFaceLoss}.
     *
     * @param cos {@code (n, C)} cosines
     * @param oneHot {@code (n, C)} the labels one-hot
     * @param margin m in radians
     * @param scale s
     * @return {@code (n, C)} logits
     */
    static NDArray marginLogits(NDArray cos, NDArray oneHot, double margin, double scale) {
        return marginLogits(cos, oneHot, Scalars.of(cos, margin), scale);
    }

    /**
     * {@link #marginLogits(NDArray, NDArray, double, double)} with a margin per row (each row's class margin, as
     * {@link DynamicArcFaceLoss} has).
     *
     * @param cos {@code (n, C)} cosines
     * @param oneHot {@code (n, C)} the labels one-hot
     * @param margins {@code (n)} the margin of each row in radians, or a scalar array for one margin
     * @param scale s
     * @return {@code (n, C)} logits
     */
    static NDArray marginLogits(NDArray cos, NDArray oneHot, NDArray margins, double scale) {
        NDArray target = cos.mul(oneHot).sum(new int[] {1});
        NDArray theta = target.clip(-1 + 1e-7, 1 - 1e-7).acos();
        NDArray modified = NDArrays.where(theta.lte(margins.neg().add(Math.PI)), theta.add(margins).cos(),
                theta.cos().sub(margins.mul(margins.sin())));
        return Scalars.mul(cos.add(oneHot.mul(modified.sub(target).expandDims(1))), scale);
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
    public static final class Builder extends AdditiveMarginBuilder<ArcFaceLoss, Builder> {
        private Builder() {
            super(SPEC, SCALE, MARGIN);
        }
    }
}
