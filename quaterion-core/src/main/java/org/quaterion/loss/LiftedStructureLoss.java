package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
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
 * PML's {@code LiftedStructureLoss} (Oh Song et al. 2016, arXiv 1511.06452): per ordered positive pair (i, j),
 * {@code ℓ_ij = ½·[LSE_{k∈N_i∪N_j}(m_neg − D_k) + D_ij − m_pos]_+²} where the log-sum-exp runs over the negative
 * pairs anchored at i or at j; mean over positive pairs. Defaults {@code m_neg = 1}, {@code m_pos = 0}, normalised L2.
 * Computed with one log-sum-exp per anchor (O(B²)), not PML's positives × negatives matrix. With reference
 * embeddings (a memory) only the anchor's own negatives enter. Mined pairs count as often as listed (a positive pair
 * listed twice is two terms, a negative listed twice enters the log-sum-exp twice), as in PML.
 */
public final class LiftedStructureLoss extends GroupLoss {

    /** The negative margin. */
    public static final Setting<Double> NEG_MARGIN = Setting.real("neg_margin", 1, "the negative margin m_neg");
    /** The positive margin. */
    public static final Setting<Double> POS_MARGIN = Setting.real("pos_margin", 0, "the positive margin m_pos");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The reducer of the per-positive-pair losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<LiftedStructureLoss> SPEC = ComponentSpec.of("lifted_structure", LiftedStructureLoss.class, LiftedStructureLoss::new,
            NEG_MARGIN, POS_MARGIN, DISTANCE, REDUCER);

    private final double negMargin;
    private final double posMargin;

    private LiftedStructureLoss(Settings settings) {
        super(settings);
        this.negMargin = settings.get(NEG_MARGIN);
        this.posMargin = settings.get(POS_MARGIN);
    }

    /** Creates the loss with PML's defaults (1, 0, normalised L2). */
    public LiftedStructureLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        NDArray negatives = PairLists.negativeWeights(in, mat);
        NDArray hasNeg = PairLists.hasAny(negatives);
        NDArray lse = PairLists.logSumExpCounted(mat.neg().add(negMargin), negatives);
        NDArray rowLse = NDArrays.where(hasNeg, lse, Scalars.of(lse, LossMath.veryNegative(lse)));
        NDArray pairLse;
        NDArray anyNeg;
        if (in.selfRef()) {
            NDArray a = rowLse.expandDims(1);
            NDArray b = rowLse.expandDims(0);
            NDArray max = a.maximum(b).stopGradient();
            pairLse = a.sub(max).exp().add(b.sub(max).exp()).log().add(max);
            anyNeg = hasNeg.expandDims(1).logicalOr(hasNeg.expandDims(0));
        } else {
            pairLse = rowLse.expandDims(1).add(mat.zerosLike());
            anyNeg = hasNeg.expandDims(1).broadcast(mat.getShape());
        }
        NDArray combined = NDArrays.where(anyNeg, pairLse, pairLse.zerosLike());
        NDArray perPair = Scalars.div(Activation.relu(combined.add(mat).sub(posMargin)).square(), 2);
        if (in.tuples() == null) {
            return LossTerms.of(perPair.booleanMask(Masks.positives(in.labels(), in.refLabels(), in.selfRef())));
        }
        IndexTuples.Pairs pairs = in.tuples().toPairs();
        if (pairs.a1().size() == 0 || pairs.a2().size() == 0) {
            return LossTerms.none(); // PML: no positive or no negative pair listed
        }
        return LossTerms.of(LossMath.pick(perPair, pairs.a1(), pairs.p()));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LiftedStructureLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<LiftedStructureLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link LiftedStructureLoss#POS_MARGIN}.
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            return set(POS_MARGIN, posMargin);
        }

        /**
         * Sets {@link LiftedStructureLoss#NEG_MARGIN}.
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            return set(NEG_MARGIN, negMargin);
        }
    }
}
