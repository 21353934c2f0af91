package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import ai.djl.training.initializer.XavierInitializer;
import org.quaterion.models.internal.Scalars;

/**
 * Quaterion's {@code CenterLoss} (Wen et al. 2016): {@code λ · mean((normalize(E) − C[y])²)} over all
 * {@code n·D} elements, with learnable centres C {@code (G, D)} (Xavier-uniform init) optimised by the trainer
 * (not the paper's running-centre update). Usually added to a classification or metric loss. Default λ = 0.5.
 */
public final class CenterLoss extends ClassWeightLoss {

    private final double lambda;

    /**
     * Creates the loss.
     *
     * @param numClasses G
     * @param embeddingSize D
     * @param lambda weight λ
     */
    public CenterLoss(int numClasses, int embeddingSize, double lambda) {
        super(numClasses, embeddingSize, "centers", new XavierInitializer());
        Args.positive("CenterLoss", "lambda", lambda);
        this.lambda = lambda;
    }

    @Override
    protected NDArray computeWithWeights(LossInputs in, NDArray centers) {
        NDArray assigned = centers.get(in.labels());
        return Scalars.mul(in.embeddings().normalize(2, 1, 1e-12).sub(assigned).square().mean(), lambda);
    }

    @Override
    public JsonObject config() {
        JsonObject json = baseConfig();
        json.addProperty("lambda_c", lambda);
        return json;
    }
}
