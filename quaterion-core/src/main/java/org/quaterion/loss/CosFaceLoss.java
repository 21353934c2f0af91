package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.internal.LossMath;
import org.quaterion.models.internal.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * Large margin cosine loss (CosFace, Wang et al., arXiv 1801.09414): logits {@code s·(cos θ_ic − m·1[c = y_i])},
 * cross-entropy, mean. Defaults s = 64, m = 0.35. <b>Fixed</b>: Quaterion's {@code CosFaceLoss} computes
 * {@code s·cos(cos θ − m·1[y])}, applying cos to a cosine.
 */
public final class CosFaceLoss extends ClassWeightLoss {

    private final double scale;
    private final double margin;

    /**
     * Creates the loss.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param scale s
     * @param margin m
     * @param reducer the reducer of the per-sample losses, or null for the mean
     */
    public CosFaceLoss(int numClasses, int embeddingSize, double scale, double margin, Reducer reducer) {
        super(numClasses, embeddingSize, "class_weights", reducer);
        Args.positive("CosFaceLoss", "scale", scale);
        Args.atLeast("CosFaceLoss", "margin", margin, 0);
        this.scale = scale;
        this.margin = margin;
    }

    /**
     * Creates the loss with the mean over samples.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param scale s
     * @param margin m
     */
    public CosFaceLoss(int numClasses, int embeddingSize, double scale, double margin) {
        this(numClasses, embeddingSize, scale, margin, null);
    }

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray oneHot = targets(in, cos);
        NDArray logits = Scalars.mul(cos.sub(Scalars.mul(oneHot, margin)), scale);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("scale", scale);
        json.addProperty("margin", margin);
        return json;
    }
}
