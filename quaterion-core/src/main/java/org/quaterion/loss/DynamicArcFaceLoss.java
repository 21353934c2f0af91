package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.NormalInitializer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import org.quaterion.internal.LossMath;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Sub-center ArcFace with a margin per class that grows as the class gets smaller (Google Landmark Recognition 2020,
 * 3rd place, Ha et al., arXiv 2010.05350), PML 3's {@code DynamicArcFaceLoss}: class c's margin is
 * {@code m_c = a·n_c^{−λ} + b}, n_c its training-set size, with a and b chosen so that the smallest class gets
 * {@code max_margin} and the largest {@code min_margin} (PML 3's {@code margin_bounds = (min, max)}). The cosine to
 * class c is the largest cosine to its K sub-centres (weight rows {@code c·K … c·K + K − 1}, as
 * {@link SubCenterArcFaceLoss}); the target logit becomes {@code cos(θ + m_y)}, or {@code cos θ − m_y·sin m_y} past
 * {@code π − m_y} (the margin arithmetic of {@link ArcFaceLoss}), scaled by s, cross-entropy, mean. Defaults bounds
 * (0.05, 0.5) radians, λ = 0.25, s = 64, K = 3 (PML 3's); K = 1 is ArcFace with class margins. Without
 * {@code class_counts}, or with equal counts, every class gets {@code max_margin} (plain sub-center ArcFace).
 * Weights ~ N(0, 1). {@link #outliers} finds the samples far from their class's dominant sub-centre.
 */
public final class DynamicArcFaceLoss extends ClassWeightLoss {

    /** The training-set size of each class, in class order; empty for equal sizes. */
    public static final Setting<long[]> CLASS_COUNTS = Setting.of("class_counts", long[].class,
            "list of class sizes", new long[0], DynamicArcFaceLoss::readCounts, DynamicArcFaceLoss::writeCounts,
            "the training-set size n_c of each class (num_classes positive integers); empty: equal sizes");
    /** The margin of the largest class. */
    public static final Setting<Double> MIN_MARGIN = Setting.real("min_margin", 0.05, v -> v >= 0 && v < Math.PI,
            "min_margin in [0, π)", "the margin of the largest class, radians (PML 3: margin_bounds[0])");
    /** The margin of the smallest class. */
    public static final Setting<Double> MAX_MARGIN = Setting.real("max_margin", 0.5, v -> v >= 0 && v < Math.PI,
            "max_margin in [0, π)", "the margin of the smallest class, radians (PML 3: margin_bounds[1])");
    /** The exponent λ of the class size. */
    public static final Setting<Double> POWER = Setting.real("power", 0.25, v -> v > 0, "power > 0",
            "the exponent λ in a·n^(−λ) + b");
    /** The logit scale s. */
    public static final Setting<Double> SCALE = Setting.real("scale", 64, v -> v > 0, "a finite scale > 0",
            "the logit scale s");
    /** The sub-centres per class K. */
    public static final Setting<Integer> SUB_CENTERS = Setting.integer("sub_centers", 3, v -> v >= 1,
            "sub_centers >= 1", "the sub-centres per class K (weight rows C·K); PML 3's default 3");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<DynamicArcFaceLoss> SPEC = ComponentSpec.of("dynamic_arcface",
            DynamicArcFaceLoss.class, DynamicArcFaceLoss::new, NUM_CLASSES, EMBEDDING_SIZE, CLASS_COUNTS, MIN_MARGIN,
            MAX_MARGIN, POWER, SCALE, SUB_CENTERS, REDUCER);

    private final double scale;
    private final int subCenters;
    private final double[] margins;

    private DynamicArcFaceLoss(Settings settings) {
        super(settings, "class_weights", new NormalInitializer(1f), settings.get(SUB_CENTERS));
        this.scale = settings.get(SCALE);
        this.subCenters = settings.get(SUB_CENTERS);
        long[] counts = settings.get(CLASS_COUNTS);
        double lo = settings.get(MIN_MARGIN);
        double hi = settings.get(MAX_MARGIN);
        if (lo > hi) {
            throw new IllegalArgumentException("DynamicArcFaceLoss: min_margin " + lo + " is above max_margin " + hi);
        }
        if (counts.length != 0 && counts.length != numClasses()) {
            throw new IllegalArgumentException("DynamicArcFaceLoss: class_counts has " + counts.length
                    + " entries for num_classes " + numClasses() + "; give one size per class (or none)");
        }
        this.margins = margins(counts, numClasses(), lo, hi, settings.get(POWER));
    }

    /**
     * The class margins {@code a·n_c^{−λ} + b}, the smallest class at {@code hi}, the largest at {@code lo}.
     *
     * @param counts class sizes, or empty
     * @param classes the number of classes
     * @param lo the largest class's margin
     * @param hi the smallest class's margin
     * @param power λ
     * @return one margin per class, radians
     */
    static double[] margins(long[] counts, int classes, double lo, double hi, double power) {
        double[] out = new double[classes];
        java.util.Arrays.fill(out, hi);
        if (counts.length == 0) {
            return out;
        }
        double[] x = new double[classes];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            x[c] = Math.pow(counts[c], -power);
            min = Math.min(min, x[c]);
            max = Math.max(max, x[c]);
        }
        if (max == min) {
            return out;
        }
        double a = (hi - lo) / (max - min);
        double b = hi - a * max;
        for (int c = 0; c < classes; c++) {
            out[c] = a * x[c] + b;
        }
        return out;
    }

    /**
     * The margin of each class.
     *
     * @return radians, one per class
     */
    public double[] classMargins() {
        return margins.clone();
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
     * {@link SubCenterArcFaceLoss#outliers(NDArray, NDArray)} for this loss's sub-centres (PML 3's
     * {@code get_outliers}, default threshold 75°).
     *
     * @param embeddings {@code (n, D)}
     * @param labels {@code (n)} labels in [0, C)
     * @return the outliers and the dominant sub-centres
     */
    public SubCenterArcFaceLoss.Outliers outliers(NDArray embeddings, NDArray labels) {
        return outliers(embeddings, labels, SubCenterArcFaceLoss.DEFAULT_OUTLIER_THRESHOLD_DEGREES);
    }

    /**
     * {@link SubCenterArcFaceLoss#outliers(NDArray, NDArray, double)} for this loss's sub-centres.
     *
     * @param embeddings {@code (n, D)}
     * @param labels {@code (n)} labels in [0, C)
     * @param thresholdDegrees the largest angle to the dominant sub-centre that is not an outlier, in degrees
     * @return the outliers and the dominant sub-centres
     */
    public SubCenterArcFaceLoss.Outliers outliers(NDArray embeddings, NDArray labels, double thresholdDegrees) {
        return SubCenterArcFaceLoss.outliers(this, subCenters, embeddings, labels, thresholdDegrees);
    }

    private static long[] readCounts(JsonElement e) {
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException("must be a list of class sizes, got " + e);
        }
        JsonArray a = e.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || v.getAsDouble() != Math.rint(v
                    .getAsDouble()) || v.getAsDouble() < 1) {
                throw new IllegalArgumentException("class sizes must be positive integers, got " + v + " at " + i);
            }
            out[i] = v.getAsLong();
        }
        return out;
    }

    private static JsonElement writeCounts(long[] counts) {
        JsonArray a = new JsonArray();
        for (long c : counts) {
            a.add(c);
        }
        return a;
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = SubCenterArcFaceLoss.classCosines(in.embeddings(), weights, numClasses(), subCenters);
        NDArray rowMargins = cos.getManager().create(margins).toType(cos.getDataType(), false).get(in.labels());
        return perSample(in, LossMath.crossEntropy(ArcFaceLoss.marginLogits(cos, targets(in, cos), rowMargins, scale),
                in.labels()));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DynamicArcFaceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<DynamicArcFaceLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link DynamicArcFaceLoss#CLASS_COUNTS} and the number of classes to its length.
         *
         * @param counts the training-set size of each class
         * @return this builder
         */
        public Builder setClassCounts(long... counts) {
            set(CLASS_COUNTS, counts.clone());
            return setNumClasses(counts.length);
        }

        /**
         * Sets {@link DynamicArcFaceLoss#MIN_MARGIN} and {@link DynamicArcFaceLoss#MAX_MARGIN} (PML 3's
         * {@code margin_bounds}).
         *
         * @param min the largest class's margin, radians
         * @param max the smallest class's margin, radians
         * @return this builder
         */
        public Builder optMarginBounds(double min, double max) {
            set(MIN_MARGIN, min);
            return set(MAX_MARGIN, max);
        }

        /**
         * Sets {@link DynamicArcFaceLoss#POWER}.
         *
         * @param power λ
         * @return this builder
         */
        public Builder optPower(double power) {
            return set(POWER, power);
        }

        /**
         * Sets {@link DynamicArcFaceLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }

        /**
         * Sets {@link DynamicArcFaceLoss#SUB_CENTERS}.
         *
         * @param subCenters K, at least 1
         * @return this builder
         */
        public Builder optSubCenters(int subCenters) {
            return set(SUB_CENTERS, subCenters);
        }
    }
}
