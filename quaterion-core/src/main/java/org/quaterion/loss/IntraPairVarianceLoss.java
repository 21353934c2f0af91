package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
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
 * PML's {@code IntraPairVarianceLoss} (Yu and Tao 2019, "Deep Metric Learning with Tuplet Margin Loss", ICCV): with
 * similarities s and their means μ⁺ over the positive and μ⁻ over the negative pairs,
 * {@code ℓ⁺ = [(1 − ε⁺)·μ⁺ − s_ap]_+²} per positive pair and {@code ℓ⁻ = [s_an − (1 + ε⁻)·μ⁻]_+²} per negative pair,
 * each part reduced on its own (mean) and added. The means are part of the graph, as in PML. Defaults
 * ε⁺ = ε⁻ = 0.01, cosine.
 *
 * <p>With a similarity (cosine, dot product) as above; with a distance (PML's {@code LpDistance}) the directions
 * swap: {@code [d_ap − (1 + ε⁺)·μ⁺]_+²} and {@code [(1 − ε⁻)·μ⁻ − d_an]_+²}. Mined tuples give the pairs with their
 * repetitions, as PML counts them.
 */
public final class IntraPairVarianceLoss extends GroupLoss {

    /** The positive relative margin ε⁺. */
    public static final Setting<Double> POS_EPS = Setting.real("pos_eps", 0.01, "the positive relative margin ε⁺");
    /** The negative relative margin ε⁻. */
    public static final Setting<Double> NEG_EPS = Setting.real("neg_eps", 0.01, "the negative relative margin ε⁻");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of each part (positive pairs, negative pairs). */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<IntraPairVarianceLoss> SPEC = ComponentSpec.of("intra_pair_variance",
            IntraPairVarianceLoss.class, IntraPairVarianceLoss::new, POS_EPS, NEG_EPS, DISTANCE, REDUCER);

    private final double posEps;
    private final double negEps;

    private IntraPairVarianceLoss(Settings settings) {
        super(settings);
        this.posEps = settings.get(POS_EPS);
        this.negEps = settings.get(NEG_EPS);
    }

    /** Creates the loss with PML's defaults (0.01, 0.01, cosine, mean of each part). */
    public IntraPairVarianceLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        boolean similarity = isSimilarity(distance());
        NDArray mat = similarity ? in.similarities(distance()) : in.distances(distance());
        IndexTuples.Pairs pairs = PairLists.of(in);
        return LossTerms.sum(part(mat, pairs.a1(), pairs.p(), posEps, similarity),
                part(mat, pairs.a2(), pairs.n(), negEps, !similarity));
    }

    /**
     * PML's similarities ({@code is_inverted}): cosine and dot product; the others are distances.
     *
     * @param d the distance
     * @return whether the loss works on similarities
     */
    static boolean isSimilarity(Distance d) {
        return d.kind() == Distance.Kind.COSINE || d.kind() == Distance.Kind.DOT_PRODUCT;
    }

    /** One part: the squared hinge of each pair value against its mean, pushed up or down. */
    private static LossTerms part(NDArray mat, NDArray rows, NDArray cols, double eps, boolean increase) {
        if (rows.size() == 0) {
            return LossTerms.none();
        }
        NDArray values = LossMath.pick(mat, rows, cols);
        NDArray mean = values.mean();
        NDArray gap = increase ? Scalars.mul(mean, 1 - eps).sub(values) : values.sub(Scalars.mul(mean, 1 + eps));
        return LossTerms.of(Activation.relu(gap).square());
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link IntraPairVarianceLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<IntraPairVarianceLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link IntraPairVarianceLoss#POS_EPS}.
         *
         * @param posEps the value
         * @return this builder
         */
        public Builder optPosEps(double posEps) {
            return set(POS_EPS, posEps);
        }

        /**
         * Sets {@link IntraPairVarianceLoss#NEG_EPS}.
         *
         * @param negEps the value
         * @return this builder
         */
        public Builder optNegEps(double negEps) {
            return set(NEG_EPS, negEps);
        }
    }
}
