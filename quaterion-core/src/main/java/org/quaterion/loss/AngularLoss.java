package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
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
 * PML's {@code AngularLoss} (Wang et al. 2017, arXiv 1708.01682): on unit vectors, per positive pair (a, p),
 * {@code ℓ_ap = log(1 + Σ_{n: y_n ≠ y_a} exp(4·tan²α·(x_a + x_p)·x_n − 2·(1 + tan²α)·x_a·x_p))}; mean over positive
 * pairs. Default α = 40°.
 *
 * <p>The embeddings are L2-normalised (PML requires its normalised L2 distance and accepts no other, so this loss
 * has no distance setting). PML normalises the anchors and positives but multiplies them with the raw negatives, so
 * its value depends on the negatives' norms; here every embedding is normalised, as the paper defines it (equal to
 * PML on normalised input). Mined tuples give the positive pairs (repeated as mined); the negatives of a pair are
 * all references of another label, as in PML, and a call without mined negative pairs is 0.
 */
public final class AngularLoss extends GroupLoss {

    /** The angle α in degrees. */
    public static final Setting<Double> ALPHA = Setting.real("alpha", 40, v -> v > 0 && v < 90, "0 < alpha < 90",
            "the angle α in degrees");
    /** The reducer of the per-positive-pair losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<AngularLoss> SPEC = ComponentSpec.of("angular", AngularLoss.class,
            AngularLoss::new, ALPHA, REDUCER);

    private final double sqTan;

    private AngularLoss(Settings settings) {
        super(settings);
        double tan = Math.tan(Math.toRadians(settings.get(ALPHA)));
        this.sqTan = tan * tan;
    }

    /** Creates the loss with PML's defaults (α = 40°, mean over positive pairs). */
    public AngularLoss() {
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

    @Override
    protected LossTerms compute(LossInputs in) {
        IndexTuples.Pairs pairs = PairLists.of(in);
        if (pairs.a1().size() == 0 || pairs.a2().size() == 0) {
            return LossTerms.none();
        }
        NDArray x = in.embeddings().normalize(2, 1, 1e-12);
        NDArray ref = in.selfRef() ? x : in.refEmbeddings().normalize(2, 1, 1e-12);
        NDArray anchors = x.get(pairs.a1());
        NDArray positives = ref.get(pairs.p());
        NDArray apDot = anchors.mul(positives).sum(new int[] {1}, true);
        NDArray toRefs = anchors.add(positives).matMul(ref.transpose());
        NDArray logits = Scalars.mul(toRefs, 4 * sqTan).sub(Scalars.mul(apDot, 2 * (1 + sqTan)));
        NDArray negatives = in.labels().get(pairs.a1()).expandDims(1).neq(in.refLabels().expandDims(0));
        return LossTerms.of(LossMath.logSumExp(logits, negatives, true, 1));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link AngularLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<AngularLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link AngularLoss#ALPHA}.
         *
         * @param alpha the angle in degrees
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            return set(ALPHA, alpha);
        }
    }
}
