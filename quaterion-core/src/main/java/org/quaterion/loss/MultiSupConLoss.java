package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Supervised contrastive loss for samples with label sets, PML 3's {@code MultiSupConLoss} (Multi-label SupCon):
 * with {@code J_ip} the Jaccard index of two label sets, anchor i's positives are the other rows with
 * {@code J_ip ≥ c} (inclusive) and {@code L_i = −(1/|N(i)|) Σ_{p∈N(i)} J_ip · log(e^{s_ip/τ} / Σ_{a≠i} e^{s_ia/τ})};
 * anchors without positives give 0 and the AvgNonZero reduction drops them. Two empty label sets have Jaccard 1,
 * an empty and a non-empty set 0. τ = 0.1, c = 0.5, cosine.
 *
 * <p>Label sets go through {@link #forwardLabelSets}: an {@code (n, C)} 0/1 integer or boolean matrix. Plain group
 * labels ({@link #forward(NDArray, NDArray)}) are one-element label sets: Jaccard 1 within a class and 0 across,
 * which is {@link SupConLoss} for any {@code c > 0}. Mined pairs replace the positive and the contrast sets; the
 * Jaccard weights stay.
 *
 * <p>The losses are per anchor row, so the anchor reducers serve it: {@code per_anchor} with label sets or labels,
 * {@code class_weighted} with group labels only (a label set names no single class to weight by; it is refused).
 */
public final class MultiSupConLoss extends TemperatureLoss {

    /** The temperature τ. */
    public static final Setting<Double> TEMPERATURE = temperature(0.1);
    /** The Jaccard threshold c of a positive. */
    public static final Setting<Double> THRESHOLD = Setting.real("threshold", 0.5, v -> v >= 0 && v <= 1,
            "threshold in [0, 1]", "the smallest Jaccard index of a positive pair (inclusive)");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new AvgNonZeroReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MultiSupConLoss> SPEC = ComponentSpec.of("multi_supcon", MultiSupConLoss.class,
            MultiSupConLoss::new, TEMPERATURE, THRESHOLD, DISTANCE, REDUCER);

    private final double threshold;

    private MultiSupConLoss(Settings settings) {
        super(settings);
        this.threshold = settings.get(THRESHOLD);
    }

    /** Creates the loss with PML 3's defaults (τ = 0.1, c = 0.5, cosine, AvgNonZero). */
    public MultiSupConLoss() {
        this(SPEC.read(null));
    }

    /**
     * Computes the loss of embeddings with label sets.
     *
     * @param embeddings {@code (n, d)}
     * @param labelSets {@code (n, C)} 0/1 (integer or boolean): row i marks the labels of sample i
     * @return the scalar loss
     */
    public NDArray forwardLabelSets(NDArray embeddings, NDArray labelSets) {
        if (labelSets == null || labelSets.getShape().dimension() != 2 || embeddings == null
                || embeddings.getShape().dimension() != 2 || labelSets.getShape().get(0) != embeddings.getShape()
                        .get(0)) {
            throw new IllegalArgumentException("MultiSupConLoss: label sets must be (n, C) for embeddings (n, d), got "
                    + (labelSets == null ? null : labelSets.getShape()) + " and "
                    + (embeddings == null ? null : embeddings.getShape()));
        }
        DataType type = labelSets.getDataType();
        if (!type.isInteger() && type != DataType.BOOLEAN) {
            throw new IllegalArgumentException("MultiSupConLoss: label sets must be 0/1 integers or booleans, got "
                    + type + "; convert multi-hot scores with a threshold first");
        }
        NDArray sets = labelSets.toType(DataType.INT64, false);
        if (sets.lt(0).logicalOr(sets.gt(1)).any().getBoolean()) {
            throw new IllegalArgumentException("MultiSupConLoss: label sets must hold only 0 and 1");
        }
        if (!embeddings.getDataType().isFloating()) {
            throw new IllegalArgumentException("MultiSupConLoss: embeddings must be floating point, got "
                    + embeddings.getDataType());
        }
        return forward(new LossInputs(embeddings, sets, embeddings, sets, true, null,
                LossInputs.finiteZero(embeddings, "MultiSupConLoss")));
    }

    /**
     * The Jaccard index of every pair of label sets: {@code |A∩B| / |A∪B|}, 1 for two empty sets.
     *
     * @param sets {@code (n, C)} 0/1 INT64
     * @param refSets {@code (m, C)} 0/1 INT64
     * @param like an array of the result's type
     * @return {@code (n, m)}
     */
    static NDArray jaccard(NDArray sets, NDArray refSets, NDArray like) {
        NDArray a = sets.toType(like.getDataType(), false);
        NDArray b = refSets.toType(like.getDataType(), false);
        NDArray inter = a.matMul(b.transpose());
        NDArray union = a.sum(new int[] {1}, true).add(b.sum(new int[] {1}, true).transpose()).sub(inter);
        NDArray empty = union.eq(0);
        return NDArrays.where(empty, inter.onesLike(), inter.div(NDArrays.where(empty, union.onesLike(), union)));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray logits = logits(in);
        boolean sets = in.labels().getShape().dimension() == 2;
        NDArray weights = sets ? jaccard(in.labels(), in.refLabels(), logits)
                : Masks.positives(in.labels(), in.refLabels(), false).toType(logits.getDataType(), false);
        NDArray positives;
        NDArray contrast;
        if (in.tuples() != null) {
            PairMasks masks = PairMasks.of(in);
            positives = masks.positives();
            contrast = masks.positives().logicalOr(masks.negatives());
        } else {
            long n = logits.getShape().get(0);
            contrast = in.selfRef() ? logits.getManager().eye((int) n).toType(DataType.BOOLEAN, false).logicalNot()
                    : logits.onesLike().toType(DataType.BOOLEAN, false);
            positives = weights.gte(threshold).logicalAnd(contrast);
        }
        return LossTerms.perAnchor(SupConLoss.perAnchor(logits, positives, contrast, weights), in.labels());
    }

    /** True: this loss computes from the distance matrix alone ({@link GroupLoss#forwardMatrix}). */
    @Override
    public boolean acceptsDistanceMatrix() {
        return true;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MultiSupConLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<MultiSupConLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link MultiSupConLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }

        /**
         * Sets {@link MultiSupConLoss#THRESHOLD}.
         *
         * @param threshold the value
         * @return this builder
         */
        public Builder optThreshold(double threshold) {
            return set(THRESHOLD, threshold);
        }
    }
}
