package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

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

    /** The relaxation m. */
    public static final Setting<Double> M = Setting.real("m", 0.4, v -> v >= 0 && v < 1,
            "the relaxation m in [0, 1)", "the relaxation margin m");
    /** The scale γ. */
    public static final Setting<Double> GAMMA = Setting.real("gamma", 80, v -> v > 0, "gamma > 0", "the scale γ");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new AvgNonZeroReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<CircleLoss> SPEC = ComponentSpec.of("circle", CircleLoss.class, CircleLoss::new,
            M, GAMMA, DISTANCE, REDUCER);

    private final double m;
    private final double gamma;

    private CircleLoss(Settings settings) {
        super(settings);
        this.m = settings.get(M);
        this.gamma = settings.get(GAMMA);
    }

    /** Creates the loss with PML's defaults (0.4, 80). */
    public CircleLoss() {
        this(SPEC.read(null));
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
        return LossTerms.perAnchor(NDArrays.where(both, losses, losses.zerosLike()), in.labels()); // PML: 0 for the others
    }

    /** True: this loss computes from the distance matrix alone ({@link GroupLoss#forwardMatrix}). */
    @Override
    public boolean acceptsDistanceMatrix() {
        return true;
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
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link CircleLoss#M}.
         *
         * @param m the value
         * @return this builder
         */
        public Builder optMargin(double m) {
            return set(M, m);
        }

        /**
         * Sets {@link CircleLoss#GAMMA}.
         *
         * @param gamma the value
         * @return this builder
         */
        public Builder optGamma(double gamma) {
            return set(GAMMA, gamma);
        }
    }
}
