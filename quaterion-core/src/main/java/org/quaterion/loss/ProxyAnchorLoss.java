package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.initializer.XavierInitializer;
import com.google.gson.JsonObject;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;

/**
 * Proxy Anchor (Kim et al. 2020, arXiv 2003.13911) as PML's {@code ProxyAnchorLoss}: with cosine s(x, c) to the
 * proxies, {@code pos_c = log(1 + Σ_{x: y_x = c} e^{−α(s − δ)})}, {@code neg_c = log(1 + Σ_{x: y_x ≠ c}
 * e^{α(s + δ)})}; loss {@code Σ_c pos_c / |P⁺| + Σ_c neg_c / C} where P⁺ are the proxies with a positive in the
 * batch. Defaults δ = 0.1, α = 32. Proxies are {@code (C, D)}.
 */
public final class ProxyAnchorLoss extends ClassWeightLoss {

    private final double margin;
    private final double alpha;

    /**
     * Creates the loss.
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param margin δ
     * @param alpha α
     */
    private ProxyAnchorLoss(int numClasses, int embeddingSize, double margin, double alpha) {
        super(numClasses, embeddingSize, "proxies", new XavierInitializer(), null);
        Args.atLeast("ProxyAnchorLoss", "margin", margin, 0);
        Args.positive("ProxyAnchorLoss", "alpha", alpha);
        this.margin = margin;
        this.alpha = alpha;
    }

    /**
     * As its reference, this loss defines its own reduction.
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray proxies) {
        NDArray cos = cosines(in.embeddings(), proxies);
        NDArray pos = in.labels().oneHot(numClasses()).gt(0);
        NDArray neg = pos.logicalNot();
        NDArray posExp = Scalars.mul(cos.neg().add(margin), alpha);
        NDArray negExp = Scalars.mul(cos.add(margin), alpha);
        if (in.tuples() != null) { // PML: the miner weights w enter every exponent as w - 1
            NDArray offsets = minerWeights(in, cos.getDataType()).sub(1).expandDims(1);
            posExp = posExp.add(offsets);
            negExp = negExp.add(offsets);
        }
        NDArray posTerm = LossMath.logSumExp(posExp, pos, true, 0);
        NDArray negTerm = LossMath.logSumExp(negExp, neg, true, 0);
        double withPos = Masks.any(pos, 0).toType(DataType.INT64, false).sum().getLong();
        NDArray posPart = withPos == 0 ? in.zero() : Scalars.div(posTerm.sum(), withPos);
        return LossTerms.alreadyReduced(posPart.add(Scalars.div(negTerm.sum(), numClasses()))); // PML: already reduced
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("margin", margin);
        json.addProperty("alpha", alpha);
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

    /** Builds a {@link ProxyAnchorLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<ProxyAnchorLoss, Builder> {
        private double margin = 0.1;
        private double alpha = 32;

        private Builder() {}

        /**
         * Sets the margin δ (default 0.1).
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets the scale α (default 32).
         *
         * @param alpha the value
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        @Override
        protected ProxyAnchorLoss create() {
            return new ProxyAnchorLoss(numClasses(), embeddingSize(), margin, alpha);
        }
    }
}
