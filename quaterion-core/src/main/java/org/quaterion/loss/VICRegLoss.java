package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * VICReg (Bardes, Ponce, LeCun 2022, arXiv 2105.04906) as PML's {@code VICRegLoss}, on two views Z, Z' of the same
 * N inputs: {@code λ·mean_i mean_d (z_id − z'_id)² + μ·(v(Z) + v(Z')) + ν·(c(Z) + c(Z'))} with the variance term
 * {@code v(Z) = mean_d [1 − sqrt(Var_d(Z) + ε)]_+ / 2} (unbiased variance over the rows) and the covariance term
 * {@code c(Z) = Σ_{d≠e} Cov(Z)_de² / D}. Defaults as PML: λ = 25, μ = 25, ν = 1, ε = 1e-4. No distance, labels
 * or mined tuples enter the value; the reduction is PML's default (the mean), so the loss takes no reducer.
 *
 * <p>The two views: {@link #forwardViews(NDArray, NDArray)} (PML's {@code loss(embeddings, ref_emb)}); through the
 * group-loss {@code forward}, either references whose rows pair with the embeddings' rows (equal labels row by row),
 * or one batch of the two views stacked, rows {@code i} and {@code i + N} with equal labels. Each view needs at
 * least two rows (the unbiased variance of one row is undefined; PML returns NaN).
 */
public final class VICRegLoss extends GroupLoss {

    /** The weight λ of the invariance term. */
    public static final Setting<Double> INVARIANCE_LAMBDA = Setting.real("invariance_lambda", 25, v -> v >= 0,
            "invariance_lambda >= 0", "the weight λ of the invariance (mean squared difference) term");
    /** The weight μ of the variance terms. */
    public static final Setting<Double> VARIANCE_MU = Setting.real("variance_mu", 25, v -> v >= 0,
            "variance_mu >= 0", "the weight μ of the variance (hinge on the standard deviation) terms");
    /** The weight ν of the covariance terms. */
    public static final Setting<Double> COVARIANCE_V = Setting.real("covariance_v", 1, v -> v >= 0,
            "covariance_v >= 0", "the weight ν of the covariance (off-diagonal) terms");
    /** The ε inside the standard deviation. */
    public static final Setting<Double> EPS = Setting.real("eps", 1e-4, v -> v > 0, "eps > 0",
            "added to the variance before the square root");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<VICRegLoss> SPEC = ComponentSpec.of("vicreg", VICRegLoss.class, VICRegLoss::new,
            INVARIANCE_LAMBDA, VARIANCE_MU, COVARIANCE_V, EPS);

    private final double lambda;
    private final double mu;
    private final double nu;
    private final double eps;

    private VICRegLoss(Settings settings) {
        super(settings);
        this.lambda = settings.get(INVARIANCE_LAMBDA);
        this.mu = settings.get(VARIANCE_MU);
        this.nu = settings.get(COVARIANCE_V);
        this.eps = settings.get(EPS);
    }

    /** Creates the loss with PML's defaults (25, 25, 1, 1e-4). */
    public VICRegLoss() {
        this(SPEC.read(null));
    }

    /**
     * As its reference with its default reducer, this loss reduces its terms itself (means).
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /** No distance: the terms compare coordinates. */
    @Override
    protected Distance defaultDistance() {
        return null;
    }

    /** The views are paired row by row; there are no tuples to mine. */
    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "it compares two views of the same inputs row by row";
    }

    /**
     * The loss of two views of the same inputs (PML's {@code loss(embeddings, ref_emb)}).
     *
     * @param embeddings {@code (N, d)} the first view
     * @param refEmbeddings {@code (N, d)} the second view, row i of the same input as row i of the first
     * @return the scalar loss
     */
    public NDArray forwardViews(NDArray embeddings, NDArray refEmbeddings) {
        NDArray rows = TwoViews.rowIds(embeddings, refEmbeddings, name());
        return forward(embeddings, rows, null, refEmbeddings, rows);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray[] views = TwoViews.of(in, name());
        NDArray z = views[0];
        NDArray r = views[1];
        long d = z.getShape().get(1);
        NDArray invariance = Scalars.mul(z.sub(r).square().mean(), lambda);
        NDArray variance = Scalars.mul(variance(z).add(variance(r)), mu);
        NDArray covariance = Scalars.mul(covariance(z, d).add(covariance(r, d)), nu);
        return LossTerms.alreadyReduced(invariance.add(variance).add(covariance));
    }

    /** {@code mean_d [1 − sqrt(Var_d + ε)]_+ / 2} with the unbiased variance over the rows. */
    private NDArray variance(NDArray x) {
        long n = x.getShape().get(0);
        NDArray centred = x.sub(x.mean(new int[] {0}, true));
        NDArray var = Scalars.div(centred.square().sum(new int[] {0}), n - 1);
        NDArray std = var.add(eps).sqrt();
        return Scalars.div(Activation.relu(std.neg().add(1)), 2).mean();
    }

    /** {@code Σ_{d≠e} Cov_de² / D}. */
    private static NDArray covariance(NDArray x, long d) {
        long n = x.getShape().get(0);
        NDArray centred = x.sub(x.mean(new int[] {0}, true));
        NDArray cov = Scalars.div(centred.transpose().matMul(centred), n - 1);
        NDArray offDiagonal = x.getManager().eye((int) d).toType(DataType.BOOLEAN, false).logicalNot();
        return Scalars.div(cov.square().mul(offDiagonal.toType(cov.getDataType(), false)).sum(), d);
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link VICRegLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<VICRegLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link VICRegLoss#INVARIANCE_LAMBDA}.
         *
         * @param lambda the value
         * @return this builder
         */
        public Builder optInvarianceLambda(double lambda) {
            return set(INVARIANCE_LAMBDA, lambda);
        }

        /**
         * Sets {@link VICRegLoss#VARIANCE_MU}.
         *
         * @param mu the value
         * @return this builder
         */
        public Builder optVarianceMu(double mu) {
            return set(VARIANCE_MU, mu);
        }

        /**
         * Sets {@link VICRegLoss#COVARIANCE_V}.
         *
         * @param nu the value
         * @return this builder
         */
        public Builder optCovarianceV(double nu) {
            return set(COVARIANCE_V, nu);
        }

        /**
         * Sets {@link VICRegLoss#EPS}.
         *
         * @param eps the value
         * @return this builder
         */
        public Builder optEps(double eps) {
            return set(EPS, eps);
        }
    }
}
