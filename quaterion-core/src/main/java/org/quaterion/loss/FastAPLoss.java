package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;

/**
 * FastAP (Cakir et al. 2019, arXiv 1906.07589) as PML's and Quaterion's {@code FastAPLoss} (identical values):
 * squared L2 distances of normalised embeddings in [0, 4] are soft-binned with triangular kernels at
 * {@code num_bins + 1} points; per anchor with positives {@code AP = (1/N⁺) Σ_b h⁺_b H⁺_b / H_b}; loss
 * {@code mean(1 − AP)} over anchors with at least one positive. Memory O(bins·B²). Quaterion's own gradient is
 * NaN (0/0 in its masked division); ours is finite.
 */
public final class FastAPLoss extends GroupLoss {

    private final int numBins;

    /**
     * Creates the loss.
     *
     * @param numBins number of histogram bins, at least 1 (default 10)
     * @param reducer the reducer of the per-anchor losses, or null for the mean (PML's default)
     */
    public FastAPLoss(int numBins, Reducer reducer) {
        super(Distance.squaredEuclidean().normalized(), reducer);
        if (numBins < 1) {
            throw new IllegalArgumentException("numBins must be >= 1, got " + numBins);
        }
        this.numBins = numBins;
    }

    /**
     * Creates the loss with the mean over anchors.
     *
     * @param numBins number of histogram bins, at least 1
     */
    public FastAPLoss(int numBins) {
        this(numBins, null);
    }

    /** Creates the loss with PML's 10 bins and the mean over anchors. */
    public FastAPLoss() {
        this(10);
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

    @Override
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("num_bins", numBins);
        return json;
    }
}
