package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code PNPLoss} (Li et al., "Rethinking the Optimization of Average Precision: Only Penalizing Negative
 * Instances before Positive Ones is Enough", AAAI 2022, arXiv 2102.04640). With cosine similarities s and the
 * smoothed count of the negatives ranked above positive j for anchor i,
 * {@code R_ij = Σ_{k ∈ N_i} σ((s_ik − s_ij)/τ)} (σ evaluated with its exponent clamped to [−50, 50], as PML), each
 * variant maps it to a penalty f: {@code O}: R; {@code DS}: {@code log(1 + R)}; {@code DQ}: {@code 1/(1 + R)^α};
 * {@code IU}: {@code (1 + R)·log(1 + R)}; {@code IB}: {@code (bR − log(1 + bR))/b²}. Per anchor with positives
 * {@code L_i = mean_{j ∈ P_i ∪ {i}} f(R_ij)} (the anchor itself counts among its positives, as PML); the loss is the
 * mean over those anchors, {@code 1 − mean} for {@code DQ}. Defaults as PML: b = 2, α = 1, τ = 0.01, variant O.
 *
 * <p>Cosine is fixed (PML asserts {@code CosineSimilarity}); already reduced (PML's reduction); no mined tuples and
 * no reference embeddings, as PML. Memory O(B³), as PML: every (anchor, positive, negative) sigmoid exists at once.
 */
public final class PNPLoss extends GroupLoss {

    /** The penalty applied to the smoothed number of negatives ranked above a positive. */
    public enum Variant {
        /** {@code log(1 + R)}, decreasing gradients. */
        DS,
        /** {@code 1/(1 + R)^α} (the loss is 1 − its mean), decreasing gradients. */
        DQ,
        /** {@code (1 + R)·log(1 + R)}, increasing gradients. */
        IU,
        /** {@code (bR − log(1 + bR))/b²}, increasing and bounded gradients. */
        IB,
        /** R itself, constant gradients. */
        O
    }

    /** The b of variant IB. */
    public static final Setting<Double> B = Setting.real("b", 2, v -> v > 0, "b > 0", "the b of variant ib");
    /** The α of variant DQ. */
    public static final Setting<Double> ALPHA = Setting.real("alpha", 1, "the exponent α of variant dq");
    /** The temperature of the sigmoid. */
    public static final Setting<Double> ANNEAL = Setting.real("anneal", 0.01, v -> v > 0, "anneal > 0",
            "the temperature τ of the sigmoid that counts a negative ranked above a positive");
    /** The variant. */
    public static final Setting<Variant> VARIANT = Setting.choice("variant", Variant.O,
            "the penalty of the smoothed rank (PML's Ds, Dq, Iu, Ib, O)");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<PNPLoss> SPEC = ComponentSpec.of("pnp", PNPLoss.class, PNPLoss::new, B, ALPHA,
            ANNEAL, VARIANT);

    /** PML's clamp of the sigmoid's exponent. */
    private static final double EXPONENT_CLAMP = 50;

    private final double b;
    private final double alpha;
    private final double anneal;
    private final Variant variant;

    private PNPLoss(Settings settings) {
        super(settings);
        this.b = settings.get(B);
        this.alpha = settings.get(ALPHA);
        this.anneal = settings.get(ANNEAL);
        this.variant = settings.get(VARIANT);
    }

    /** Creates the loss with PML's defaults (b 2, α 1, τ 0.01, variant O). */
    public PNPLoss() {
        this(SPEC.read(null));
    }

    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /**
     * Cosine, fixed (not a setting).
     *
     * @return the distance
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "it ranks every negative against every positive of each anchor (PML does not support indices_tuple "
                + "for it)";
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        BatchOnly.require(in, name());
        PairMasks masks = PairMasks.of(in);
        NDArray hasPos = Masks.any(masks.positives(), 1);
        if (!hasPos.any().getBoolean()) {
            return LossTerms.none();
        }
        NDArray sim = in.similarities(distance());
        DataType type = sim.getDataType();
        long n = in.labels().size();
        // the anchor itself joins its positives when it has any (PML's I_pos[a1, a1] = 1)
        NDArray eye = sim.getManager().eye((int) n).toType(DataType.BOOLEAN, false);
        NDArray pos = masks.positives().logicalOr(eye.logicalAnd(hasPos.expandDims(1))).toType(type, false);
        // diff[i, j, k] = s_ik − s_ij; σ(diff/τ) as 1/(1 + e^{clamp(−diff/τ, −50, 50)})
        NDArray diff = sim.expandDims(1).sub(sim.expandDims(2));
        NDArray exponent = Scalars.div(diff, -anneal).clip(-EXPONENT_CLAMP, EXPONENT_CLAMP);
        NDArray sigmoid = Scalars.pow(exponent.exp().add(1), -1);
        NDArray negatives = masks.negatives().toType(type, false).expandDims(1);
        NDArray rank = sigmoid.mul(negatives).sum(new int[] {2});
        NDArray penalty = penalty(rank);
        NDArray counts = pos.sum(new int[] {1});
        NDArray anchors = counts.gt(0);
        NDArray perAnchor = penalty.mul(pos).sum(new int[] {1}).booleanMask(anchors).div(counts.booleanMask(anchors));
        NDArray loss = Scalars.div(perAnchor.sum(), perAnchor.size());
        return LossTerms.alreadyReduced(variant == Variant.DQ ? loss.neg().add(1) : loss);
    }

    private NDArray penalty(NDArray rank) {
        return switch (variant) {
            case DS -> rank.add(1).log();
            case DQ -> Scalars.pow(rank.add(1), -alpha);
            case IU -> rank.add(1).mul(rank.add(1).log());
            case IB -> Scalars.div(Scalars.mul(rank, b).sub(Scalars.mul(rank, b).add(1).log()), b * b);
            case O -> rank;
        };
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PNPLoss}: each setting by name, PML's defaults for the rest. */
    public static final class Builder extends LossBuilder<PNPLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link PNPLoss#B}.
         *
         * @param b the value
         * @return this builder
         */
        public Builder optB(double b) {
            return set(B, b);
        }

        /**
         * Sets {@link PNPLoss#ALPHA}.
         *
         * @param alpha the value
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            return set(ALPHA, alpha);
        }

        /**
         * Sets {@link PNPLoss#ANNEAL}.
         *
         * @param anneal the value
         * @return this builder
         */
        public Builder optAnneal(double anneal) {
            return set(ANNEAL, anneal);
        }

        /**
         * Sets {@link PNPLoss#VARIANT}.
         *
         * @param variant the value
         * @return this builder
         */
        public Builder optVariant(Variant variant) {
            return set(VARIANT, variant);
        }
    }
}
