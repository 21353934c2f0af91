package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;

/**
 * PML's {@code NTXentLoss} / InfoNCE: per positive pair (a, p),
 * {@code ℓ = −log(e^{s_ap/τ} / (e^{s_ap/τ} + Σ_{n∈N_a} e^{s_an/τ}))}, mean over positive pairs; τ = 0.07, cosine.
 * Computed as {@code softplus(LSE_n(s_an/τ) − s_ap/τ)} with one log-sum-exp per anchor, O(B²) memory (PML builds a
 * positives × negatives matrix, O(B⁴/C²)). Reference: Chen et al., SimCLR (arXiv 2002.05709).
 */
public final class NTXentLoss extends GroupLoss {

    private final double temperature;
    private final Distance distance;

    /**
     * Creates the loss.
     *
     * @param temperature τ &gt; 0
     * @param distance the distance (similarities are its {@code toSimilarity})
     */
    public NTXentLoss(double temperature, Distance distance) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
        this.distance = distance;
    }

    /**
     * Creates the loss with cosine similarity.
     *
     * @param temperature τ
     */
    public NTXentLoss(double temperature) {
        this(temperature, Distance.cosine());
    }

    @Override
    protected NDArray compute(LossInputs in) {
        NDArray logits = distance.similarityMatrix(in.embeddings(), in.selfRef() ? in.embeddings()
                : in.refEmbeddings()).div(temperature);
        PairMasks masks = PairMasks.of(in);
        NDArray negLse = LossMath.logSumExp(logits, masks.negatives(), false, 1);
        NDArray z = negLse.expandDims(1).sub(logits);
        NDArray hasNeg = Masks.rowCounts(masks.negatives()).gt(0).expandDims(1).broadcast(z.getShape());
        NDArray perPair = NDArrays.where(hasNeg, LossMath.softplusExact(z), z.zerosLike());
        NDArray losses = perPair.booleanMask(masks.positives());
        if (losses.size() == 0) {
            return in.zero();
        }
        return losses.mean();
    }

    @Override
    public JsonObject config() {
        JsonObject json = configWith(distance);
        json.addProperty("temperature", temperature);
        return json;
    }
}
