package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * PML's {@code LiftedStructureLoss} (Oh Song et al. 2016, arXiv 1511.06452): per ordered positive pair (i, j),
 * {@code ℓ_ij = ½·[LSE_{k∈N_i∪N_j}(m_neg − D_k) + D_ij − m_pos]_+²} where the log-sum-exp runs over the negative
 * pairs anchored at i or at j; mean over positive pairs. Defaults {@code m_neg = 1}, {@code m_pos = 0}, normalised L2.
 * Computed with one log-sum-exp per anchor (O(B²)), not PML's positives × negatives matrix. With reference
 * embeddings (a memory) only the anchor's own negatives enter.
 */
public final class LiftedStructureLoss extends GroupLoss {

    private final double negMargin;
    private final double posMargin;

    /**
     * Creates the loss.
     *
     * @param negMargin negative margin
     * @param posMargin positive margin
     * @param distance the distance, or null for normalised L2
     * @param reducer the reducer of the per-pair losses, or null for the mean (PML's default)
     */
    private LiftedStructureLoss(double negMargin, double posMargin, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.negMargin = negMargin;
        this.posMargin = posMargin;
    }

    /** Creates the loss with PML's defaults (1, 0, normalised L2). */
    public LiftedStructureLoss() {
        this(1, 0, null, null);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray negLogits = mat.neg().add(negMargin);
        NDArray hasNeg = Masks.rowCounts(masks.negatives()).gt(0);
        NDArray lse = LossMath.logSumExp(negLogits, masks.negatives(), false, 1);
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
            anyNeg = hasNeg.expandDims(1).logicalAnd(masks.positives());
        }
        NDArray combined = NDArrays.where(anyNeg, pairLse, pairLse.zerosLike());
        NDArray losses = Scalars.div(Activation.relu(combined.add(mat).sub(posMargin)).square(), 2)
                .booleanMask(masks.positives());
        return LossTerms.of(losses);
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("neg_margin", negMargin);
        json.addProperty("pos_margin", posMargin);
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

    /** Builds a {@link LiftedStructureLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<LiftedStructureLoss, Builder> {
        private double posMargin = 0;
        private double negMargin = 1;

        private Builder() {}

        /**
         * Sets the positive margin (PML pos_margin) (default 0).
         *
         * @param posMargin the value
         * @return this builder
         */
        public Builder optPosMargin(double posMargin) {
            this.posMargin = posMargin;
            return this;
        }

        /**
         * Sets the negative margin (PML neg_margin) (default 1).
         *
         * @param negMargin the value
         * @return this builder
         */
        public Builder optNegMargin(double negMargin) {
            this.negMargin = negMargin;
            return this;
        }

        @Override
        protected LiftedStructureLoss create() {
            return new LiftedStructureLoss(negMargin, posMargin, distance(), reducer());
        }
    }
}
