package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.models.internal.Scalars;

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
     */
    public CosFaceLoss(int numClasses, int embeddingSize, double scale, double margin) {
        super(numClasses, embeddingSize, "class_weights");
        Args.positive("CosFaceLoss", "scale", scale);
        Args.atLeast("CosFaceLoss", "margin", margin, 0);
        this.scale = scale;
        this.margin = margin;
    }

    @Override
    protected NDArray computeWithWeights(LossInputs in, NDArray weights) {
        NDArray cos = cosines(in.embeddings(), weights);
        NDArray oneHot = targets(in, cos);
        NDArray logits = Scalars.mul(cos.sub(Scalars.mul(oneHot, margin)), scale);
        return LossMath.crossEntropy(logits, in.labels()).mean();
    }

    @Override
    public JsonObject config() {
        JsonObject json = baseConfig();
        json.addProperty("scale", scale);
        json.addProperty("margin", margin);
        return json;
    }
}
