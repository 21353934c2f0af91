package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Manifold proxy loss (Aziere and Todorovic, "Ensemble Deep Manifold Similarity Learning using Hard Proxies", CVPR
 * 2019) as PML's {@code ManifoldLoss}: the N embeddings and K trainable proxies form a graph with affinities
 * {@code S = exp(2·[cos]_+)} (no self loops), normalised {@code S̄ = D^{-1/2} S D^{-1/2}}; the random-walk
 * similarities are {@code F = (1 − α)(I − α S̄)^{-1}}. With each embedding's proxy {@code m_i}, the intrinsic loss is
 * {@code mean_i log(1 + Σ_{k≠m_i, v_ik ≥ 0} e^{v_ik})}, {@code v_ik = F_{i,k} − F_{i,m_i} + margin} over the proxy
 * columns of F, and the context loss the same on the cosines between the embedding rows and the proxy rows of F;
 * the value is {@code intrinsic + λ_C · context}.
 *
 * <p>The labels are the meta-classes: label {@code m_i ∈ [0, K)} names the proxy of embedding i (PML's
 * {@code indices_tuple}; PML draws them at random when none are given, here they are always given, so the value is
 * deterministic). K is {@code num_classes}, the embedding size l is {@code embedding_size}; the proxies are its
 * class-weight matrix ({@code (K, l)}, standard normal at start as in PML, {@link #setWeights} to fix them). Defaults
 * as PML: λ_C = 1, α = 0.8, margin 5e-4; cosine similarity.
 */
public final class ManifoldLoss extends ClassWeightLoss {

    /** The weight λ_C of the context loss. */
    public static final Setting<Double> LAMBDA_C = Setting.real("lambda_c", 1, v -> v >= 0, "lambda_c >= 0",
            "the weight λ_C of the context loss (0: the intrinsic loss alone)");
    /** The random-walk parameter α. */
    public static final Setting<Double> ALPHA = Setting.real("alpha", 0.8, v -> v > 0 && v < 1, "0 < alpha < 1",
            "the share of similarity a node passes to its neighbours in the random walk");
    /** The margin. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 5e-4, "the margin added to each proxy gap");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ManifoldLoss> SPEC = ComponentSpec.of("manifold", ManifoldLoss.class,
            ManifoldLoss::new, NUM_CLASSES, EMBEDDING_SIZE, LAMBDA_C, ALPHA, MARGIN);

    private final double lambdaC;
    private final double alpha;
    private final double margin;

    private ManifoldLoss(Settings settings) {
        super(settings, "proxies", new NormalInitializer(1f));
        this.lambdaC = settings.get(LAMBDA_C);
        this.alpha = settings.get(ALPHA);
        this.margin = settings.get(MARGIN);
    }

    /**
     * As its reference, this loss defines its own reduction (means over the embeddings).
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /** The labels are the meta-classes; there are no tuples to use. */
    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "its labels name each embedding's proxy (PML's meta-classes)";
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray proxies) {
        if (!in.selfRef()) {
            throw new IllegalArgumentException("ManifoldLoss compares the batch with its proxies, not with reference "
                    + "embeddings; call forward without references");
        }
        NDArray emb = in.embeddings();
        long n = emb.getShape().get(0);
        long total = n + numClasses();
        NDArray nodes = NDArrays.concat(new NDList(emb, proxies), 0).normalize(2, 1, 1e-12);
        NDArray eye = emb.getManager().eye((int) total).toType(emb.getDataType(), false);
        NDArray s = Scalars.mul(Activation.relu(nodes.matMul(nodes.transpose())), 2).exp().mul(eye.neg().add(1));
        NDArray dInvHalf = Scalars.pow(s.sum(new int[] {1}), -0.5);
        NDArray sBar = s.mul(dInvHalf.expandDims(1)).mul(dInvHalf.expandDims(0));
        NDArray f = Scalars.mul(eye.sub(Scalars.mul(sBar, alpha)).inverse(), 1 - alpha);
        NDIndex embRows = new NDIndex().addSliceDim(0, n);
        NDIndex proxyRows = new NDIndex().addSliceDim(n, total);
        NDArray intrinsic = hinge(f.get(embRows).get(new NDIndex(":, {}:", n)), in.labels());
        NDArray fe = f.get(embRows).normalize(2, 1, 1e-8);
        NDArray fp = f.get(proxyRows).normalize(2, 1, 1e-8);
        NDArray context = hinge(fe.matMul(fp.transpose()), in.labels());
        return LossTerms.alreadyReduced(intrinsic.add(Scalars.mul(context, lambdaC)));
    }

    /**
     * {@code mean_i log(1 + Σ_{k≠m_i, v_ik ≥ 0} e^{v_ik})} with {@code v_ik = x_ik − x_{i,m_i} + margin}; the
     * selection is made without gradient, as PML's in-place {@code −inf}.
     */
    private NDArray hinge(NDArray x, NDArray meta) {
        long n = x.getShape().get(0);
        NDArray rows = x.getManager().arange((int) n).toType(DataType.INT64, false);
        NDArray own = LossMath.pick(x, rows, meta);
        NDArray v = x.sub(own.expandDims(1)).add(margin);
        NDArray other = meta.oneHot(numClasses()).toType(DataType.BOOLEAN, false).logicalNot();
        NDArray counted = other.logicalAnd(v.stopGradient().gte(0));
        return LossMath.logSumExp(v, counted, true, 1).mean();
    }

    /**
     * A builder that starts from the reference defaults; {@code num_classes} (K) and {@code embedding_size} (l) are
     * required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ManifoldLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<ManifoldLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link ManifoldLoss#LAMBDA_C}.
         *
         * @param lambdaC the value
         * @return this builder
         */
        public Builder optLambdaC(double lambdaC) {
            return set(LAMBDA_C, lambdaC);
        }

        /**
         * Sets {@link ManifoldLoss#ALPHA}.
         *
         * @param alpha the value
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            return set(ALPHA, alpha);
        }

        /**
         * Sets {@link ManifoldLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }
    }
}
