package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;

/**
 * Circle loss (Sun et al. 2020, arXiv 2002.10857) as the paper and PML's {@code CircleLoss} define it: with
 * similarities s, {@code Δp = 1 − m}, {@code Δn = m}, detached weights {@code α_p = [1 + m − s_p]_+},
 * {@code α_n = [s_n + m]_+}, per anchor
 * {@code L = softplus(LSE_n(γ α_n (s_n − Δn)) + LSE_p(−γ α_p (s_p − Δp)))}; anchors lacking a positive or a
 * negative give 0; AvgNonZero. Defaults m = 0.4, γ = 80, cosine.
 *
 * <p><b>Fixed</b>: Quaterion's {@code CircleLoss} flips both α signs ({@code [1 + m + s_p]_+}, {@code [s_n − m]_+}),
 * uses (1 + cos)/2 similarities and upper-triangle pairs; we follow the paper.
 */
public final class CircleLoss extends GroupLoss {

    private final double m;
    private final double gamma;

    /**
     * Creates the loss.
     *
     * @param m relaxation margin
     * @param gamma scale γ
     * @param distance the distance (similarities are its {@code toSimilarity}), or null for cosine
     * @param reducer the reducer of the per-anchor losses, or null for the mean over non-zero ones (PML's default)
     */
    private CircleLoss(double m, double gamma, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Args.positive("CircleLoss", "gamma", gamma);
        if (!(m >= 0 && m < 1)) {
            throw new IllegalArgumentException("CircleLoss needs the relaxation m in [0, 1), got " + m);
        }
        this.m = m;
        this.gamma = gamma;
    }

    /** Creates the loss with PML's defaults (0.4, 80). */
    public CircleLoss() {
        this(0.4, 80, null, null);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray s = in.similarities(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray detached = s.stopGradient();
        NDArray posLogits = Scalars.mul(Activation.relu(detached.neg().add(1 + m)).mul(s.sub(1 - m)), -gamma);
        NDArray negLogits = Scalars.mul(Activation.relu(detached.add(m)).mul(s.sub(m)), gamma);
        NDArray lsePos = LossMath.logSumExp(posLogits, masks.positives(), false, 1);
        NDArray lseNeg = LossMath.logSumExp(negLogits, masks.negatives(), false, 1);
        NDArray both = Masks.rowCounts(masks.positives()).gt(0).logicalAnd(Masks.rowCounts(masks.negatives()).gt(0));
        NDArray losses = LossMath.softplus(lsePos.add(lseNeg));
        return LossTerms.of(NDArrays.where(both, losses, losses.zerosLike())); // PML: zero for the others
    }

    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("m", m);
        json.addProperty("gamma", gamma);
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

    /** Builds a {@link CircleLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<CircleLoss, Builder> {
        private double m = 0.4;
        private double gamma = 80;

        private Builder() {}

        /**
         * Sets the relaxation margin m, in [0, 1) (default 0.4).
         *
         * @param m the value
         * @return this builder
         */
        public Builder optMargin(double m) {
            this.m = m;
            return this;
        }

        /**
         * Sets the scale γ, positive (default 80).
         *
         * @param gamma the value
         * @return this builder
         */
        public Builder optGamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        @Override
        protected CircleLoss create() {
            return new CircleLoss(m, gamma, distance(), reducer());
        }
    }
}
