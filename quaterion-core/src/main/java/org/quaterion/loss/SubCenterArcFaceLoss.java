package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quaterion.internal.LossMath;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Sub-center ArcFace (Deng et al., ECCV 2020) as PML's {@code SubCenterArcFaceLoss}: K sub-centres per class (weight
 * rows {@code c·K … c·K + K − 1}); the cosine to class c is the largest cosine to its sub-centres, then
 * {@link ArcFaceLoss}'s additive angular margin, scale and cross-entropy, mean. Defaults: margin 28.6° (given here
 * in radians like {@link ArcFaceLoss}: 0.4992; {@link Builder#optMarginDegrees} takes PML's degrees), s = 64,
 * K = 3; weights ~ N(0, 1). {@link #outliers} finds the samples far from their class's dominant sub-centre (PML's
 * {@code get_outliers}), for cleaning a noisy data set.
 */
public final class SubCenterArcFaceLoss extends ClassWeightLoss {

    /** PML's default outlier threshold, in degrees. */
    public static final double DEFAULT_OUTLIER_THRESHOLD_DEGREES = 75;

    /** The logit scale s. */
    public static final Setting<Double> SCALE = Setting.real("scale", 64, v -> v > 0, "a finite scale > 0",
            "the logit scale s");
    /** The angular margin in radians. */
    public static final Setting<Double> MARGIN = Setting.real("margin", Math.toRadians(28.6),
            v -> v >= 0 && v < Math.PI, "margin in [0, π) radians",
            "the angular margin m in radians (PML: 28.6 degrees)");
    /** The sub-centres per class K. */
    public static final Setting<Integer> SUB_CENTERS = Setting.integer("sub_centers", 3, v -> v >= 1,
            "sub_centers >= 1", "the sub-centres per class K (weight rows C·K)");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SubCenterArcFaceLoss> SPEC = ComponentSpec.of("subcenter_arcface",
            SubCenterArcFaceLoss.class, SubCenterArcFaceLoss::new, NUM_CLASSES, EMBEDDING_SIZE, SCALE, MARGIN,
            SUB_CENTERS, REDUCER);

    private final double scale;
    private final double margin;
    private final int subCenters;

    private SubCenterArcFaceLoss(Settings settings) {
        super(settings, "class_weights", new NormalInitializer(1f), settings.get(SUB_CENTERS));
        this.scale = settings.get(SCALE);
        this.margin = settings.get(MARGIN);
        this.subCenters = settings.get(SUB_CENTERS);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = classCosines(in.embeddings(), weights, numClasses(), subCenters);
        return perSample(in, LossMath.crossEntropy(ArcFaceLoss.marginLogits(cos, targets(in, cos), margin, scale),
                in.labels()));
    }

    /**
     * The cosine of each embedding to each class: the largest cosine to the class's K sub-centres (weight rows
     * {@code c·K … c·K + K − 1}). Shared with {@link DynamicArcFaceLoss}.
     *
     * @param embeddings {@code (n, D)}
     * @param weights {@code (C·K, D)}
     * @param classes C
     * @param subCenters K
     * @return {@code (n, C)} cosines
     */
    static NDArray classCosines(NDArray embeddings, NDArray weights, int classes, int subCenters) {
        NDArray cos = cosines(embeddings, weights);
        return subCenters == 1 ? cos : cos.reshape(-1, classes, subCenters).max(new int[] {2});
    }

    /**
     * The sub-centres per class K.
     *
     * @return K
     */
    public int subCenters() {
        return subCenters;
    }

    /**
     * What {@link #outliers} finds.
     *
     * @param indices the outlying samples' indices, class by class (ascending labels), ascending within a class
     * @param dominantCenters {@code (C, D)}: each class's dominant sub-centre, the one nearest to most of its samples
     *     (ties: the first); a class without samples in the batch gets its first sub-centre
     * @param classesPresent whether each class has samples in the batch (only those have a dominant sub-centre)
     */
    public record Outliers(long[] indices, NDArray dominantCenters, boolean[] classesPresent) {}

    /**
     * PML's {@code get_outliers} with its default threshold of 75°.
     *
     * @param embeddings {@code (n, D)}
     * @param labels {@code (n)} labels in [0, C)
     * @return the outliers and the dominant sub-centres
     */
    public Outliers outliers(NDArray embeddings, NDArray labels) {
        return outliers(embeddings, labels, DEFAULT_OUTLIER_THRESHOLD_DEGREES);
    }

    /**
     * PML's {@code get_outliers}: per class, the dominant sub-centre (nearest, by cosine, to the most samples of the
     * class), and the samples whose angle to it exceeds the threshold (cosine below {@code cos(threshold)}). No
     * gradient.
     *
     * @param embeddings {@code (n, D)}
     * @param labels {@code (n)} labels in [0, C)
     * @param thresholdDegrees the largest angle to the dominant sub-centre that is not an outlier, in degrees
     * @return the outliers and the dominant sub-centres
     * @throws IllegalArgumentException for bad shapes, labels out of range or a threshold outside [0, 180]
     */
    public Outliers outliers(NDArray embeddings, NDArray labels, double thresholdDegrees) {
        return outliers(this, subCenters, embeddings, labels, thresholdDegrees);
    }

    /**
     * {@link #outliers(NDArray, NDArray, double)} for any loss with K sub-centres per class (shared with
     * {@link DynamicArcFaceLoss}).
     *
     * @param loss the loss whose weight rows are the sub-centres
     * @param subCenters K
     * @param embeddings {@code (n, D)}
     * @param labels {@code (n)} labels in [0, C)
     * @param thresholdDegrees the threshold in degrees
     * @return the outliers and the dominant sub-centres
     * @throws IllegalArgumentException for bad shapes, labels out of range or a threshold outside [0, 180]
     */
    static Outliers outliers(ClassWeightLoss loss, int subCenters, NDArray embeddings, NDArray labels,
            double thresholdDegrees) {
        String who = loss.getClass().getSimpleName() + ".outliers";
        int numClasses = loss.numClasses();
        if (!(thresholdDegrees >= 0 && thresholdDegrees <= 180)) {
            throw new IllegalArgumentException(who + ": threshold must be in [0, 180] degrees, got "
                    + thresholdDegrees);
        }
        NDArray l = org.quaterion.internal.Inputs.check(embeddings, labels, who);
        long[] y = l.toLongArray();
        if (Arrays.stream(y).anyMatch(v -> v < 0 || v >= numClasses)) {
            throw new IllegalArgumentException(who + ": labels must be in [0, " + numClasses + ")");
        }
        if (!loss.weights().isInitialized()) {
            loss.initialize(embeddings.getManager(), embeddings.getDataType());
        }
        NDArray w = loss.weights().getArray().toType(embeddings.getDataType(), false).stopGradient();
        NDArray e = embeddings.stopGradient();
        NDArray classes = l.oneHot(numClasses).toType(e.getDataType(), false); // (n, C)
        NDArray own = cosines(e, w).reshape(-1, numClasses, subCenters).mul(classes.expandDims(2))
                .sum(new int[] {1}); // (n, K): cosines to the own class's sub-centres
        NDArray nearest = own.argMax(1).oneHot(subCenters).toType(DataType.FLOAT64, false);
        NDArray counts = classes.toType(DataType.FLOAT64, false).transpose().matMul(nearest); // (C, K)
        NDArray dominant = counts.argMax(1); // first of the largest counts, as torch.argmax
        boolean[] present = toBooleans(counts.sum(new int[] {1}).gt(0));
        NDArray rows = dominant.add(l.getManager().arange(0, numClasses * subCenters, subCenters,
                DataType.INT64));
        NDArray toDominant = own.mul(dominant.get(l).oneHot(subCenters).toType(own.getDataType(), false))
                .sum(new int[] {1});
        boolean[] far = toBooleans(toDominant.lt(Math.cos(Math.toRadians(thresholdDegrees))));
        List<Long> out = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            for (int i = 0; i < y.length; i++) {
                if (y[i] == c && far[i]) {
                    out.add((long) i);
                }
            }
        }
        return new Outliers(out.stream().mapToLong(Long::longValue).toArray(), w.get(rows), present);
    }

    private static boolean[] toBooleans(NDArray mask) {
        return mask.toType(DataType.BOOLEAN, false).toBooleanArray();
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SubCenterArcFaceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends AdditiveMarginBuilder<SubCenterArcFaceLoss, Builder> {
        private Builder() {
            super(SPEC, SCALE, MARGIN);
        }

        /**
         * Sets {@link SubCenterArcFaceLoss#SUB_CENTERS}.
         *
         * @param subCenters the value
         * @return this builder
         */
        public Builder optSubCenters(int subCenters) {
            return set(SUB_CENTERS, subCenters);
        }
    }
}
