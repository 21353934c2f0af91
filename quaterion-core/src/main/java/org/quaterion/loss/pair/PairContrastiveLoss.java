package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.SumReducer;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Quaterion's pair {@code ContrastiveLoss}, named {@code PairContrastiveLoss} here so that it cannot be confused with
 * PML's group {@code ContrastiveLoss} (Hadsell, Chopra, LeCun 2006) with subgroup hard negatives: with
 * {@code d_k = distance.rowwise} of pair k and score {@code y_k},
 * {@code ℓ_k = ½(y_k d_k² + (1 − y_k)[m − d_k]_+²) + neg_k}, where, when the batch has more than one subgroup,
 * {@code neg_k = [m − n_a]_+² + [m − n_b]_+²} and {@code n_i} is row i's distance to the nearest row of another
 * subgroup; mean (or sum). Defaults: cosine (1 − cos), margin 0.5, mean.
 *
 * <p><b>Fixed</b>: Quaterion takes {@code d_k} on the row-wise cosine scale (1 − cos) but {@code n_i} on its
 * matrix scale ((1 − cos)/2), so one margin means two things; we use one distance for both.
 */
public final class PairContrastiveLoss extends PairwiseLoss {

    /** The margin m. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.5, v -> v >= 0, "margin >= 0",
            "the margin m of [m − d]_+");
    /** Mean (true) or sum (false). */
    public static final Setting<Boolean> SIZE_AVERAGE = Setting.flag("size_average", true,
            "mean over pairs (true) or sum (false)");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<PairContrastiveLoss> SPEC = ComponentSpec.of("pair_contrastive", PairContrastiveLoss.class, PairContrastiveLoss::new,
            MARGIN, SIZE_AVERAGE, DISTANCE);

    private final double margin;
    private final boolean sizeAverage;

    private PairContrastiveLoss(Settings settings) {
        // size_average is the reducer: the mean of the per-pair losses, or their sum
        super(settings, settings.get(SIZE_AVERAGE) ? new MeanReducer() : new SumReducer());
        this.margin = settings.get(MARGIN);
        this.sizeAverage = settings.get(SIZE_AVERAGE);
    }

    /** Creates the loss with Quaterion's defaults: cosine, 0.5, mean. */
    public PairContrastiveLoss() {
        this(SPEC.read(null));
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
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link PairContrastiveLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link PairContrastiveLoss#SIZE_AVERAGE}.
         *
         * @param sizeAverage the value
         * @return this builder
         */
        public Builder optSizeAverage(boolean sizeAverage) {
            return set(SIZE_AVERAGE, sizeAverage);
        }
    }
}
