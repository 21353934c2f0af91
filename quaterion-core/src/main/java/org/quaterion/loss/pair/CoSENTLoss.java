package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.Reduction;
import org.quaterion.models.tensor.Scalars;

/**
 * CoSENT, a ranking loss for graded pair scores (Su 2022; sentence-transformers' {@code CoSENTLoss}):
 * {@code L = log(1 + Σ_{(i,j): y_i > y_j} e^{λ(s_j − s_i)})} over all pairs of pairs, where s is the pair
 * similarity and y its score: every pair with a higher score should be more similar. Default λ = 20, cosine.
 * O(n²) for n pairs.
 */
public final class CoSENTLoss extends PairwiseLoss {

    private final double scale;

    /**
     * Creates the loss.
     *
     * @param scale λ &gt; 0
     * @param distance the distance (similarities are its {@code toSimilarity})
     */
    public CoSENTLoss(double scale, Distance distance) {
        super(distance);
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
        this.scale = scale;
    }

    /** Creates the loss with λ = 20 and cosine. */
    public CoSENTLoss() {
        this(20, null);
    }

    /**
     * One log-sum-exp over all ordered pairs of pairs, as the reference defines it.
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    @Override
    protected LossTerms compute(PairInputs in) {
        if (in.size() < 2) {
            return LossTerms.none();
        }
        NDArray s = Scalars.mul(distance().similarityRowwise(in.left(), in.right()), scale);
        NDArray diff = s.expandDims(0).sub(s.expandDims(1));
        NDArray ordered = in.scores().expandDims(1).gt(in.scores().expandDims(0));
        NDArray flat = diff.reshape(1, -1);
        return LossTerms.alreadyReduced(LossMath.logSumExp(flat, ordered.reshape(1, -1), true, 1).sum()
                .add(in.zero()));
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("scale", scale);
        return json;
    }
}
