package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code NCALoss}, neighbourhood components analysis (Goldberger et al. 2004): per anchor i with a positive,
 * {@code ℓ_i = −w_i·log Σ_{j: y_j = y_i} softmax_{k≠i}(−t·D_ik)_j}, mean over those anchors; t is
 * {@code softmax_scale}. Defaults t = 1 and PML's {@code LpDistance(power=2)}: squared L2 on normalised embeddings.
 * Computed as a difference of two log-sum-exps per anchor (no exp underflow). An anchor without positives has
 * nothing to learn and is left out; a batch without any gives 0 (PML gives NaN, the mean of nothing).
 *
 * <p>The weights w are 1 without mined tuples; with them they are PML's {@code convert_to_weights}: how often each
 * row occurs in the tuples (all their indices; only the anchors' with reference embeddings), divided by the largest
 * count, so rows that were never mined weigh 0. The softmax always runs over all references.
 */
public final class NCALoss extends GroupLoss {

    /** The softmax scale t. */
    public static final Setting<Double> SOFTMAX_SCALE = Setting.real("softmax_scale", 1, v -> v > 0,
            "softmax_scale > 0", "the scale t of −distance in the softmax");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.squaredEuclidean().normalized());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<NCALoss> SPEC = ComponentSpec.of("nca", NCALoss.class, NCALoss::new,
            SOFTMAX_SCALE, DISTANCE, REDUCER);

    private final double scale;

    private NCALoss(Settings settings) {
        super(settings);
        this.scale = settings.get(SOFTMAX_SCALE);
    }

    /** Creates the loss with PML's defaults (t = 1, squared normalised L2, mean over anchors). */
    public NCALoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        long n = in.embeddings().getShape().get(0);
        if (n <= 1) {
            return LossTerms.none();
        }
        NDArray logits = Scalars.mul(in.distances(distance()), -scale);
        NDArray positives = Masks.positives(in.labels(), in.refLabels(), in.selfRef());
        NDArray all = in.selfRef()
                ? in.labels().getManager().eye((int) n).toType(DataType.BOOLEAN, false).logicalNot()
                : null;
        NDArray logProb = LossMath.logSumExp(logits, positives, false, 1).sub(LossMath.logSumExp(logits, all, false,
                1));
        NDArray losses = logProb.neg();
        if (in.tuples() != null) {
            losses = losses.mul(minerWeights(in.tuples(), n, in.selfRef(), losses.getDataType()));
        }
        return LossTerms.masked(losses, Masks.rowCounts(positives).gt(0));
    }

    /** PML's {@code convert_to_weights}: occurrences of each row in the tuples over the largest count. */
    private static NDArray minerWeights(IndexTuples tuples, long n, boolean selfRef, DataType type) {
        NDList indices = new NDList();
        if (tuples instanceof IndexTuples.Triplets t) {
            indices.add(t.a());
            if (selfRef) {
                indices.add(t.p());
                indices.add(t.n());
            }
        } else {
            IndexTuples.Pairs p = (IndexTuples.Pairs) tuples;
            indices.add(p.a1());
            if (selfRef) {
                indices.add(p.p());
            }
            indices.add(p.a2());
            if (selfRef) {
                indices.add(p.n());
            }
        }
        NDArray all = NDArrays.concat(indices);
        if (all.size() == 0) {
            return all.getManager().ones(new ai.djl.ndarray.types.Shape(n), type);
        }
        NDArray counts = PairLists.counts(all, n, type);
        return counts.div(counts.max());
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link NCALoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<NCALoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link NCALoss#SOFTMAX_SCALE}.
         *
         * @param softmaxScale the value
         * @return this builder
         */
        public Builder optSoftmaxScale(double softmaxScale) {
            return set(SOFTMAX_SCALE, softmaxScale);
        }
    }
}
