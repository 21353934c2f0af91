package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.SumReducer;

/**
 * Quaterion's pair {@code ContrastiveLoss}, named {@code PairContrastiveLoss} here so that it cannot be confused with
 * PML's group {@code ContrastiveLoss} (Hadsell, Chopra, LeCun 2006) with subgroup hard negatives: with
 * {@code d_k = distance.rowwise} of pair k and score {@code y_k},
 * {@code ℓ_k = ½(y_k d_k² + (1 − y_k)[m − d_k]_+²) + neg_k}, where, when the batch has more than one subgroup,
 * {@code neg_k = [m − n_a]_+² + [m − n_b]_+²} and {@code n_i} is row i's distance to the nearest row of another
 * subgroup; reduced by the loss's reducer: the mean (Quaterion's {@code size_average}) or the sum. Defaults: cosine
 * (1 − cos), margin 0.5, mean.
 *
 * <p><b>Fixed</b>: Quaterion takes {@code d_k} on the row-wise cosine scale (1 − cos) but {@code n_i} on its
 * matrix scale ((1 − cos)/2), so one margin means two things; we use one distance for both.
 */
public final class PairContrastiveLoss extends PairwiseLoss {

    private final double margin;
    private final boolean sizeAverage;

    /**
     * Creates the loss.
     *
     * @param distance the distance
     * @param margin the margin m
     * @param sizeAverage mean (true) or sum (false) over pairs: Quaterion's name for the mean or sum reducer
     * @param reducer the reducer of the per-pair losses, or null for the mean (sum when not sizeAverage)
     */
    private PairContrastiveLoss(Distance distance, double margin, boolean sizeAverage, Reducer reducer) {
        super(distance, sizeAverage ? reducer : sum(reducer));
        if (!Double.isFinite(margin) || margin < 0) {
            throw new IllegalArgumentException("PairContrastiveLoss needs margin >= 0 (finite), got " + margin);
        }
        this.margin = margin;
        this.sizeAverage = sizeAverage;
    }

    /** Creates the loss with Quaterion's defaults: cosine, 0.5, mean. */
    public PairContrastiveLoss() {
        this(null, 0.5, true, null);
    }

    /** Quaterion's {@code size_average=false}: the sum reducer; another reducer contradicts it. */
    private static Reducer sum(Reducer reducer) {
        if (reducer != null && !(reducer instanceof SumReducer)) {
            throw new IllegalArgumentException("PairContrastiveLoss: size_average=false means the sum reducer, but the "
                    + "reducer is " + reducer.name() + "; keep size_average true to use another reducer");
        }
        return reducer != null ? reducer : new SumReducer();
    }

    /**
     * Explicit negatives are dissimilar pairs (score 0) of their pair's first member: the loss runs over the n
     * pairs and the k (first member, negative) pairs, averaged (or summed) over all n + k.
     *
     * @return true
     */
    @Override
    public boolean usesExplicitNegatives() {
        return true;
    }

    @Override
    protected LossTerms compute(PairInputs batch) {
        PairInputs in = batch;
        if (batch.hasNegatives()) {
            NDArray owners = batch.negativeOwners();
            NDArray extra = batch.pairs().get(":, 0").get(owners).stack(batch.negativeRows(), 1);
            in = batch.withPairs(batch.pairs().concat(extra, 0), batch.scores().concat(batch.scores().zerosLike()
                    .get(owners), 0));
        }
        if (in.size() == 0) {
            return LossTerms.none();
        }
        NDArray labels = in.scores();
        NDArray pairs = in.pairs();
        NDArray subgroups = in.subgroups();
        NDArray embeddings = in.embeddings();
        if (!labels.gte(0).logicalAnd(labels.lte(1)).all().getBoolean()) { // NaN fails both comparisons
            throw new IllegalArgumentException("PairContrastiveLoss takes pair scores in [0, 1] (1 = similar, 0 = "
                    + "dissimilar), got values in [" + labels.min().toType(DataType.FLOAT64, false).getDouble() + ", "
                    + labels.max().toType(DataType.FLOAT64, false).getDouble()
                    + "]; rescale the scores or use CoSENTLoss for graded similarity");
        }
        NDArray d = distance().rowwise(in.left(), in.right());
        NDArray losses = Scalars.mul(labels.mul(d.square()).add(labels.neg().add(1).mul(Activation.relu(d.neg()
                .add(margin)).square())), 0.5);
        if (subgroups != null && subgroups.max().getLong() != subgroups.min().getLong()) {
            NDArray mat = distance().matrix(embeddings, embeddings);
            NDArray other = subgroups.expandDims(1).neq(subgroups.expandDims(0));
            NDArray hasOther = other.toType(DataType.INT32, false).sum(new int[] {1}).gt(0);
            NDArray nearest = NDArrays.where(other, mat, Scalars.of(mat, Double.POSITIVE_INFINITY))
                    .min(new int[] {1});
            NDArray safe = NDArrays.where(hasOther, nearest, Scalars.of(nearest, margin));
            NDArray rowTerm = Activation.relu(safe.neg().add(margin)).square();
            losses = losses.add(rowTerm.get(pairs.get(":, 0"))).add(rowTerm.get(pairs.get(":, 1")));
        }
        return LossTerms.of(losses);
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("margin", margin);
        json.addProperty("size_average", sizeAverage);
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

    /** Builds a {@link PairContrastiveLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<PairContrastiveLoss, Builder> {
        private double margin = 0.5;
        private boolean sizeAverage = true;

        private Builder() {}

        /**
         * Sets the negative margin (default 0.5).
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets the mean over pairs (false: the sum) (default true).
         *
         * @param sizeAverage the value
         * @return this builder
         */
        public Builder optSizeAverage(boolean sizeAverage) {
            this.sizeAverage = sizeAverage;
            return this;
        }

        @Override
        protected PairContrastiveLoss create() {
            return new PairContrastiveLoss(distance(), margin, sizeAverage, reducer());
        }
    }
}
