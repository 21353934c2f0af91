package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code TupletMarginLoss} (Yu and Tao 2019, "Deep Metric Learning with Tuplet Margin Loss", ICCV): with
 * cosines c and the positive angle {@code θ_ap = acos(c_ap)}, per positive pair
 * {@code ℓ_ap = log(1 + Σ_{(a, n)} exp(s·(c_an − cos(θ_ap − β))))} over the negative pairs of the same anchor; mean
 * over positive pairs. Defaults β = 5.73° ({@code margin}, in degrees), s = 64.
 *
 * <p>Cosine only (PML accepts no other distance), so the loss has no distance setting. Mined tuples give the positive
 * and the negative pairs with their repetitions (a negative pair mined twice counts twice, as in PML); computed with
 * one log-sum-exp per anchor weighted by those counts, O(B²) memory (PML builds positives × negatives). A call
 * without positive or negative pairs is 0. Cosines are clamped to ±(1 − 1e-7) before the {@code acos}, so identical
 * embeddings give a finite value and gradient (PML gives NaN there).
 */
public final class TupletMarginLoss extends GroupLoss {

    /** The angular margin β in degrees. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 5.73, "the angular margin β in degrees");
    /** The scale s. */
    public static final Setting<Double> SCALE = Setting.real("scale", 64, v -> v > 0, "scale > 0", "the scale s");
    /** The reducer of the per-positive-pair losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<TupletMarginLoss> SPEC = ComponentSpec.of("tuplet_margin",
            TupletMarginLoss.class, TupletMarginLoss::new, MARGIN, SCALE, REDUCER);

    private static final double COS_LIMIT = 1 - 1e-7;

    private final double margin;
    private final double scale;

    private TupletMarginLoss(Settings settings) {
        super(settings);
        this.margin = Math.toRadians(settings.get(MARGIN));
        this.scale = settings.get(SCALE);
    }

    /** Creates the loss with PML's defaults (5.73°, 64, mean over positive pairs). */
    public TupletMarginLoss() {
        this(SPEC.read(null));
    }

    /**
     * PML's only distance for this loss.
     *
     * @return the cosine distance
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        IndexTuples.Pairs pairs = PairLists.of(in);
        if (pairs.a1().size() == 0 || pairs.a2().size() == 0) {
            return LossTerms.none();
        }
        NDArray cos = in.similarities(distance());
        long n = cos.getShape().get(0);
        long m = cos.getShape().get(1);
        NDArray count = PairLists.multiplicity(pairs.a2(), pairs.n(), n, m, cos.getDataType());
        NDArray negLse = PairLists.logSumExpCounted(Scalars.mul(cos, scale), count);
        NDArray hasNeg = PairLists.hasAny(count);
        NDArray theta = LossMath.pick(cos, pairs.a1(), pairs.p()).clip(-COS_LIMIT, COS_LIMIT).acos();
        NDArray shifted = theta.sub(margin).cos();
        NDArray z = negLse.get(pairs.a1()).sub(Scalars.mul(shifted, scale));
        NDArray losses = NDArrays.where(hasNeg.get(pairs.a1()), LossMath.softplusExact(z), z.zerosLike());
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

    /** Builds a {@link TupletMarginLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<TupletMarginLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link TupletMarginLoss#MARGIN}.
         *
         * @param margin the angular margin in degrees
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link TupletMarginLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }
    }
}
