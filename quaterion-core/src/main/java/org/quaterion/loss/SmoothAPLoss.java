package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
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
 * Smooth-AP (Brown et al. 2020, arXiv 2007.12163) as PML 3's {@code SmoothAPLoss}: every row q is a query against
 * the whole batch, with cosine similarities {@code s_j}; its positive set {@code S_P} holds the rows of its label,
 * q itself included. With {@code G(x) = σ(x/τ)}, for {@code i ∈ S_P}
 * {@code R_all(i) = 1 + Σ_{j≠i} G(s_j − s_i)} and {@code R_P(i) = 1 + Σ_{j∈S_P, j≠i} G(s_j − s_i)};
 * {@code AP_q = mean_{i∈S_P} R_P(i)/R_all(i)} and the loss is the mean of {@code 1 − AP_q} over queries with
 * another positive (a query alone in its class gives no term). Positives come from the labels, so classes may come
 * in any order and size (PML's contribution, PR #721, assumed sorted classes of equal size). τ = 0.01. Memory
 * {@code O(B³)}. No mined tuples and no references: each query is ranked against the batch itself.
 */
public final class SmoothAPLoss extends GroupLoss {

    /** The sigmoid temperature τ. */
    public static final Setting<Double> TEMPERATURE = Setting.real("temperature", 0.01, v -> v > 0,
            "temperature > 0", "the temperature τ of the sigmoid that smooths the rank indicator");
    /** The reducer of the per-query losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SmoothAPLoss> SPEC = ComponentSpec.of("smooth_ap", SmoothAPLoss.class,
            SmoothAPLoss::new, TEMPERATURE, REDUCER);

    private final double temperature;

    private SmoothAPLoss(Settings settings) {
        super(settings);
        this.temperature = settings.get(TEMPERATURE);
    }

    /** Creates the loss with PML 3's defaults (τ = 0.01, mean over queries). */
    public SmoothAPLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        if (!in.selfRef()) {
            throw new IllegalArgumentException("SmoothAPLoss ranks each query against its own batch; call it "
                    + "without reference embeddings");
        }
        NDArray s = in.similarities(distance());
        long n = s.getShape().get(0);
        NDArray same = Masks.positives(in.labels(), in.refLabels(), false);
        NDArray sameF = same.toType(s.getDataType(), false);
        NDArray sizes = sameF.sum(new int[] {1});
        NDArray keep = sizes.gt(1);
        if (!keep.any().getBoolean()) {
            return LossTerms.none();
        }
        NDArray offDiagonal = s.getManager().eye((int) n).toType(s.getDataType(), false).neg().add(1);
        // [q, i, j] = G(s_qj − s_qi), j ≠ i
        NDArray g = Activation.sigmoid(Scalars.div(s.expandDims(1).sub(s.expandDims(2)), temperature))
                .mul(offDiagonal.expandDims(0));
        NDArray rankAll = g.sum(new int[] {2}).add(1);
        NDArray rankPos = g.mul(sameF.expandDims(1)).sum(new int[] {2}).add(1);
        NDArray ap = rankPos.div(rankAll).mul(sameF).sum(new int[] {1}).div(sizes);
        return LossTerms.of(ap.neg().add(1).booleanMask(keep));
    }

    /**
     * Smooth-AP's distance: cosine (not a setting).
     *
     * @return cosine
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
        return "it ranks every query against the whole batch";
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

    /** Builds a {@link SmoothAPLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<SmoothAPLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SmoothAPLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }
    }
}
