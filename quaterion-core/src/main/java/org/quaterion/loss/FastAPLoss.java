package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * FastAP (Cakir et al. 2019, arXiv 1906.07589) as PML's and Quaterion's {@code FastAPLoss} (identical values):
 * squared L2 distances of normalised embeddings in [0, 4] are soft-binned with triangular kernels at
 * {@code num_bins + 1} points; per anchor with positives {@code AP = (1/N⁺) Σ_b h⁺_b H⁺_b / H_b}; loss
 * {@code mean(1 − AP)} over anchors with at least one positive. Memory O(bins·B²). Quaterion's own gradient is
 * NaN (0/0 in its masked division); ours is finite.
 */
public final class FastAPLoss extends GroupLoss {

    /** The number of histogram bins. */
    public static final Setting<Integer> NUM_BINS = Setting.integer("num_bins", 10, v -> v >= 1, "num_bins >= 1",
            "the number of histogram bins on [0, 4]");
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<FastAPLoss> SPEC = ComponentSpec.of("fast_ap", FastAPLoss.class, FastAPLoss::new,
            NUM_BINS, REDUCER);

    private final int numBins;

    private FastAPLoss(Settings settings) {
        super(settings);
        this.numBins = settings.get(NUM_BINS);
    }

    /**
     * Creates the loss with the mean over anchors.
     *
     * @param numBins number of histogram bins, at least 1
     */
    public FastAPLoss(int numBins) {
        this(SPEC.read(null).with(NUM_BINS, numBins));
    }

    /** Creates the loss with PML's 10 bins and the mean over anchors. */
    public FastAPLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        PairMasks masks = PairMasks.of(in);
        NDArray posCount = Masks.rowCounts(masks.positives());
        NDArray safeN = posCount.gt(0);
        if (!safeN.any().getBoolean()) {
            return LossTerms.none();
        }
        NDArray d = in.distances(distance());
        double max = 4.0;
        double delta = max / numBins;
        double[] points = new double[numBins + 1];
        double step = max / numBins;
        for (int b = 0; b <= numBins; b++) {
            points[b] = b < (numBins + 1) / 2 ? b * step : max - (numBins - b) * step;
        }
        NDArray mids = d.getManager().create(points).toType(d.getDataType(), true); // engine-owned memory
        NDArray pulse = Activation.relu(Scalars.div(d.expandDims(0).sub(mids.reshape(new Shape(numBins + 1, 1, 1))).abs(),
                delta).neg().add(1));
        NDArray posF = masks.positives().toType(d.getDataType(), false);
        NDArray negF = masks.negatives().toType(d.getDataType(), false);
        NDArray posHist = pulse.mul(posF).sum(new int[] {2}).transpose();
        NDArray negHist = pulse.mul(negF).sum(new int[] {2}).transpose();
        NDArray totalPos = posHist.cumSum(1);
        NDArray total = posHist.add(negHist).cumSum(1);
        NDArray product = posHist.mul(totalPos);
        NDArray safe = product.gt(0).logicalAnd(total.gt(0));
        NDArray ratio = NDArrays.where(safe, product.div(NDArrays.where(safe, total, total.onesLike())),
                product.zerosLike());
        NDArray ap = ratio.sum(new int[] {1}).booleanMask(safeN)
                .div(posCount.booleanMask(safeN).toType(d.getDataType(), false));
        return LossTerms.of(ap.neg().add(1));
    }

    /**
     * FastAP's fixed distance: squared L2 of normalised embeddings, on [0, 4] (not a setting).
     *
     * @return the distance
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.squaredEuclidean().normalized();
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

    /** Builds a {@link FastAPLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<FastAPLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link FastAPLoss#NUM_BINS}.
         *
         * @param numBins the value
         * @return this builder
         */
        public Builder optNumBins(int numBins) {
            return set(NUM_BINS, numBins);
        }
    }
}
