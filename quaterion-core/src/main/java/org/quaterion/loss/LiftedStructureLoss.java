package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.models.internal.Scalars;

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
    private final Distance distance;

    /**
     * Creates the loss.
     *
     * @param negMargin negative margin
     * @param posMargin positive margin
     * @param distance the distance
     */
    public LiftedStructureLoss(double negMargin, double posMargin, Distance distance) {
        this.negMargin = negMargin;
        this.posMargin = posMargin;
        this.distance = distance;
    }

    /** Creates the loss with PML's defaults (1, 0, normalised L2). */
    public LiftedStructureLoss() {
        this(1, 0, Distance.euclidean().normalized());
    }

    @Override
    protected NDArray compute(LossInputs in) {
        NDArray mat = in.distances(distance);
        PairMasks masks = PairMasks.of(in);
        NDArray negLogits = mat.neg().add(negMargin);
        NDArray hasNeg = Masks.rowCounts(masks.negatives()).gt(0);
        NDArray lse = LossMath.logSumExp(negLogits, masks.negatives(), false, 1);
        NDArray rowLse = NDArrays.where(hasNeg, lse, lse.zerosLike().add(LossMath.veryNegative(lse)));
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
        return losses.size() == 0 ? in.zero() : losses.mean();
    }

    @Override
    public JsonObject config() {
        JsonObject json = configWith(distance);
        json.addProperty("neg_margin", negMargin);
        json.addProperty("pos_margin", posMargin);
        return json;
    }
}
