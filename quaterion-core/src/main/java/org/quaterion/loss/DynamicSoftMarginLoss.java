package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.PairBlocks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code DynamicSoftMarginLoss} (Zhang and Rusinkiewicz 2019, "Learning Local Descriptors with a CDF-Based
 * Dynamic Soft Margin", ICCV): for every triplet the value {@code x = D_ap − D_an} (L2 on normalised embeddings), a
 * running histogram of x over {@code num_bins} points from {@code min_val} in steps {@code δ = 2·|min_val| / num_bins}
 * (linear interpolation between the two nearest points), and the loss {@code mean_t(CDF(x_t)·x_t)} with the
 * histogram's cumulative distribution as the weight, so the gradient of a triplet is its CDF value. Defaults
 * {@code min_val = −2}, 10 bins, momentum 0.01.
 *
 * <p>State: the histogram starts empty; the first call sets it to the batch's, every later call blends the batch's in
 * with weight {@code momentum}, then normalises; it updates in training and evaluation alike, as PML's. It is a
 * running statistic: it is updated from the detached values and the weights are constants of the backward pass (the
 * original implementation; PML keeps the histogram in the graph, which adds a term through the interpolation weights
 * and fails on a second backward pass). Values outside the histogram's range use its end points (PML fails with an
 * index error). One instance per training run and thread.
 *
 * <p>Only PML's normalised L2 distance (no distance setting). The value is already a mean over triplets, so there is no
 * reducer. Mined tuples give the triplets (pairs are joined on their anchors, as PML does).
 */
public final class DynamicSoftMarginLoss extends GroupLoss {

    /** The left end of the histogram. */
    public static final Setting<Double> MIN_VAL = Setting.real("min_val", -2, v -> v < 0, "min_val < 0",
            "the left end of the histogram of d_ap − d_an; it spans [min_val, −min_val]");
    /** The number of histogram points. */
    public static final Setting<Integer> NUM_BINS = Setting.integer("num_bins", 10, v -> v >= 1, "num_bins >= 1",
            "the number of histogram points");
    /** The weight of the current batch's histogram. */
    public static final Setting<Double> MOMENTUM = Setting.real("momentum", 0.01, v -> v >= 0 && v <= 1,
            "0 <= momentum <= 1", "the weight of the current batch in the running histogram");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<DynamicSoftMarginLoss> SPEC = ComponentSpec.of("dynamic_soft_margin",
            DynamicSoftMarginLoss.class, DynamicSoftMarginLoss::new, MIN_VAL, NUM_BINS, MOMENTUM);

    private final double minVal;
    private final int numBins;
    private final double delta;
    private final double momentum;
    private final double[] histogram;

    private DynamicSoftMarginLoss(Settings settings) {
        super(settings);
        this.minVal = settings.get(MIN_VAL);
        this.numBins = settings.get(NUM_BINS);
        this.delta = 2 * Math.abs(minVal) / numBins;
        this.momentum = settings.get(MOMENTUM);
        this.histogram = new double[numBins];
    }

    /** Creates the loss with PML's defaults (−2, 10 bins, momentum 0.01). */
    public DynamicSoftMarginLoss() {
        this(SPEC.read(null));
    }

    /**
     * PML's only distance for this loss.
     *
     * @return L2 on normalised embeddings
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.euclidean().normalized();
    }

    /**
     * Already a mean over triplets.
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /**
     * The running histogram after the last call (all zeros before the first).
     *
     * @return a copy, {@code num_bins} values summing to 1
     */
    public synchronized double[] histogram() {
        return histogram.clone();
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray x = tripletValues(in);
        if (x == null || x.size() == 0) {
            return LossTerms.none();
        }
        NDArray u = Scalars.div(x.stopGradient().sub(minVal), delta);
        NDArray lo = u.floor();
        NDArray alpha = u.sub(lo);
        NDArray low = point(lo);
        NDArray high = point(lo.add(1));
        NDArray batch = low.oneHot(numBins).toType(x.getDataType(), false).mul(alpha.neg().add(1).expandDims(1))
                .add(high.oneHot(numBins).toType(x.getDataType(), false).mul(alpha.expandDims(1)))
                .sum(new int[] {0});
        double[] cdf = update(batch.toType(DataType.FLOAT64, false).toDoubleArray());
        NDArray weights = x.getManager().create(cdf).toType(x.getDataType(), false).get(low);
        return LossTerms.alreadyReduced(x.mul(weights).mean());
    }

    /** Histogram indices, clamped to the histogram's points. */
    private NDArray point(NDArray index) {
        return index.clip(0, numBins - 1).toType(DataType.INT64, false);
    }

    /** Blends the batch's histogram into the running one and returns the cumulative distribution. */
    private synchronized double[] update(double[] batch) {
        double total = 0;
        for (double h : histogram) {
            total += h;
        }
        double w = total != 0 ? momentum : 1.0;
        double sum = 0;
        for (int i = 0; i < numBins; i++) {
            histogram[i] = (1 - w) * histogram[i] + w * batch[i];
            sum += histogram[i];
        }
        double[] cdf = new double[numBins];
        double running = 0;
        for (int i = 0; i < numBins; i++) {
            histogram[i] /= sum;
            running += histogram[i];
            cdf[i] = running;
        }
        return cdf;
    }

    /** {@code D_ap − D_an} of every triplet: the mined ones, else all (a, p, n) with a ≠ p. */
    private NDArray tripletValues(LossInputs in) {
        NDArray d = in.distances(distance());
        if (in.tuples() != null) {
            IndexTuples.Triplets t = in.tuples().toTriplets();
            if (t.size() == 0) {
                return null;
            }
            return LossMath.pick(d, t.a(), t.p()).sub(LossMath.pick(d, t.a(), t.n()));
        }
        PairMasks masks = PairMasks.of(in);
        NDArray[] pairs = PairBlocks.positivePairs(masks.positives());
        if (pairs == null) {
            return null;
        }
        NDArray values = LossMath.pick(d, pairs[0], pairs[1]).expandDims(1).sub(d.get(pairs[0]));
        return values.booleanMask(masks.negatives().get(pairs[0]));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DynamicSoftMarginLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<DynamicSoftMarginLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link DynamicSoftMarginLoss#MIN_VAL}.
         *
         * @param minVal the left end of the histogram, negative
         * @return this builder
         */
        public Builder optMinVal(double minVal) {
            return set(MIN_VAL, minVal);
        }

        /**
         * Sets {@link DynamicSoftMarginLoss#NUM_BINS}.
         *
         * @param numBins the number of points
         * @return this builder
         */
        public Builder optNumBins(int numBins) {
            return set(NUM_BINS, numBins);
        }

        /**
         * Sets {@link DynamicSoftMarginLoss#MOMENTUM}.
         *
         * @param momentum the weight of the current batch
         * @return this builder
         */
        public Builder optMomentum(double momentum) {
            return set(MOMENTUM, momentum);
        }
    }
}
