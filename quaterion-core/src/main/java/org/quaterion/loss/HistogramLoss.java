package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code HistogramLoss} (Ustinova &amp; Lempitsky 2016, arXiv 1611.00822): the similarities s of the positive
 * and of the negative pairs are spread over the {@code R + 1} nodes {@code t_r = r·Δ − 1} of [−1, 1]
 * ({@code Δ = 2/R}, R = {@code n_bins}) by linear interpolation ({@code δ_r(s) = [1 − |s − t_r|/Δ]_+}), giving the
 * densities {@code h⁺_r = mean_{pos} δ_r(s)} and {@code h⁻_r}; the loss is the probability that a negative pair is
 * more similar than a positive one, {@code Σ_r h⁻_r · Σ_{q ≤ r} h⁺_q}. The pairs are the distinct unordered pairs
 * of the batch's triplets (all of them, or the mined ones), as PML's {@code filter_pairs}; no triplet gives 0.
 *
 * <p>The loss is piecewise linear in each similarity (its slope changes at the nodes); its gradient is that of the
 * bin holding the similarity, as PML's autograd gives it. Defaults as PML: 100 bins, cosine. The binned value is the
 * configured distance's similarity, which must lie in [−1, 1] (cosine, a normalised dot product, or any distance's
 * {@code 1/(1 + d)}). Already reduced (PML's reduction); no reference embeddings, as PML.
 */
public final class HistogramLoss extends GroupLoss {

    /** The number of bins R of [−1, 1] (PML's {@code delta} is 2/R). */
    public static final Setting<Integer> N_BINS = Setting.integer("n_bins", 100, v -> v >= 1, "n_bins >= 1",
            "the number of bins of [−1, 1] (PML's delta = 2 / n_bins)");
    /** The distance whose similarity is binned. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<HistogramLoss> SPEC = ComponentSpec.of("histogram", HistogramLoss.class,
            HistogramLoss::new, N_BINS, DISTANCE);

    private final int nBins;

    private HistogramLoss(Settings settings) {
        super(settings);
        this.nBins = settings.get(N_BINS);
        Distance d = distance();
        boolean bounded = switch (d.kind()) {
            case COSINE -> d.scale() <= 1;
            case DOT_PRODUCT -> d.isNormalized() && d.scale() <= 1;
            default -> true; // 1 / (1 + d) lies in (0, 1]
        };
        if (!bounded) {
            throw new IllegalArgumentException("HistogramLoss bins similarities on [-1, 1], but " + d + " gives "
                    + "similarities outside it; use cosine (PML's CosineSimilarity), a normalised dot product, a "
                    + "scale <= 1, or a distance whose similarity is 1/(1 + d)");
        }
    }

    /** Creates the loss with PML's defaults (100 bins, cosine). */
    public HistogramLoss() {
        this(SPEC.read(null));
    }

    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        BatchOnly.require(in, name());
        NDArray[] pairs = in.tuples() == null ? allPairs(in) : minedPairs(in);
        if (pairs == null) {
            return LossTerms.none();
        }
        NDArray sim = in.similarities(distance());
        NDArray posDensity = density(sim.booleanMask(pairs[0]));
        NDArray negDensity = density(sim.booleanMask(pairs[1]));
        return LossTerms.alreadyReduced(negDensity.mul(posDensity.cumSum(0)).sum());
    }

    /**
     * The distinct unordered positive and negative pairs of all triplets, as upper-triangle masks: a positive pair
     * when its class has a negative, a negative pair when one of its two rows has a positive; null without triplets.
     */
    private static NDArray[] allPairs(LossInputs in) {
        PairMasks masks = PairMasks.of(in);
        NDArray hasPos = Masks.any(masks.positives(), 1);
        NDArray hasNeg = Masks.any(masks.negatives(), 1);
        if (!hasPos.logicalAnd(hasNeg).any().getBoolean()) {
            return null;
        }
        NDArray upper = upperTriangle(in.labels().getManager(), in.labels().size());
        NDArray pos = masks.positives().logicalAnd(upper).logicalAnd(hasNeg.expandDims(1));
        NDArray neg = masks.negatives().logicalAnd(upper)
                .logicalAnd(hasPos.expandDims(1).logicalOr(hasPos.expandDims(0)));
        return new NDArray[] {pos, neg};
    }

    /** The distinct unordered (anchor, positive) and (anchor, negative) pairs of the mined triplets; null if none. */
    private static NDArray[] minedPairs(LossInputs in) {
        IndexTuples.Triplets t = in.tuples().toTriplets();
        if (t.size() == 0) {
            return null;
        }
        NDManager m = in.labels().getManager();
        long n = in.labels().size();
        return new NDArray[] {unordered(m, n, t.a(), t.p()), unordered(m, n, t.a(), t.n())};
    }

    private static NDArray unordered(NDManager m, long n, NDArray a, NDArray b) {
        return Masks.fromIndices(m, n, n, a.minimum(b), a.maximum(b));
    }

    private static NDArray upperTriangle(NDManager m, long n) {
        NDArray idx = m.arange(0, (int) n, 1, DataType.INT64);
        return idx.expandDims(1).lt(idx.expandDims(0));
    }

    /** {@code (R + 1)} densities of the similarities: mean over them of the interpolation weights at each node. */
    private NDArray density(NDArray s) {
        double delta = 2.0 / nBins;
        double[] nodes = new double[nBins + 1];
        for (int r = 0; r <= nBins; r++) {
            nodes[r] = r * delta - 1;
        }
        NDArray t = s.getManager().create(nodes).toType(s.getDataType(), false);
        NDArray weights = Activation.relu(Scalars.div(s.expandDims(1).sub(t.expandDims(0)).abs(), delta).neg().add(1));
        return Scalars.div(weights.sum(new int[] {0}), s.size());
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link HistogramLoss}: each setting by name, PML's defaults for the rest. */
    public static final class Builder extends LossBuilder<HistogramLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link HistogramLoss#N_BINS}.
         *
         * @param nBins the value
         * @return this builder
         */
        public Builder optNBins(int nBins) {
            return set(N_BINS, nBins);
        }
    }
}
