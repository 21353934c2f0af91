package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.initializer.UniformInitializer;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * SoftTriple (Qian et al. 2019, arXiv 1909.05235) as PML's {@code SoftTripleLoss}: K centres per class (weight rows
 * {@code c·K … c·K + K − 1}); the similarity to class c is {@code S_c = Σ_k softmax_k(cos(x, w_ck)/γ)·cos(x, w_ck)};
 * loss {@code CE(λ·(S − δ·1[y]))}, mean. Defaults K = 10, λ = 20 ({@code la}), γ = 0.1, δ = 0.01; centres uniform
 * in ±1/√(C·K) (PML's Kaiming-uniform with a = √5). The paper's regulariser that merges centres is
 * {@link SparseCentersRegularizer}, used as a weight regularizer ({@link RegularizedLoss}).
 */
public final class SoftTripleLoss extends ClassWeightLoss {

    /** The centres per class K. */
    public static final Setting<Integer> CENTERS_PER_CLASS = Setting.integer("centers_per_class", 10, v -> v >= 1,
            "centers_per_class >= 1", "the centres per class K (weight rows C·K)");
    /** The scale λ. */
    public static final Setting<Double> LA = Setting.real("la", 20, v -> v > 0, "la > 0",
            "the scale λ of the logits");
    /** The entropy temperature γ of the soft assignment to a class's centres. */
    public static final Setting<Double> GAMMA = Setting.real("gamma", 0.1, v -> v > 0, "gamma > 0",
            "the temperature γ of the softmax over a class's centres");
    /** The margin δ. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.01, v -> v >= 0, "margin >= 0",
            "the margin δ subtracted from the target class's similarity");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SoftTripleLoss> SPEC = ComponentSpec.of("soft_triple", SoftTripleLoss.class,
            SoftTripleLoss::new, NUM_CLASSES, EMBEDDING_SIZE, CENTERS_PER_CLASS, LA, GAMMA, MARGIN, REDUCER);

    private final int centersPerClass;
    private final double la;
    private final double gamma;
    private final double margin;

    private SoftTripleLoss(Settings settings) {
        super(settings, "centers", new UniformInitializer((float) (1 / Math.sqrt((double) settings.get(NUM_CLASSES)
                * settings.get(CENTERS_PER_CLASS)))), settings.get(CENTERS_PER_CLASS));
        this.centersPerClass = settings.get(CENTERS_PER_CLASS);
        this.la = settings.get(LA);
        this.gamma = settings.get(GAMMA);
        this.margin = settings.get(MARGIN);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray centers) {
        NDArray cos = cosines(in.embeddings(), centers).reshape(-1, numClasses(), centersPerClass);
        NDArray toClasses = Scalars.mul(cos, 1 / gamma).softmax(2).mul(cos).sum(new int[] {2});
        NDArray logits = Scalars.mul(toClasses.sub(Scalars.mul(targets(in, toClasses), margin)), la);
        return perSample(in, LossMath.crossEntropy(logits, in.labels()));
    }

    /**
     * The centres per class K.
     *
     * @return K
     */
    public int centersPerClass() {
        return centersPerClass;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SoftTripleLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<SoftTripleLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SoftTripleLoss#CENTERS_PER_CLASS}.
         *
         * @param centersPerClass the value
         * @return this builder
         */
        public Builder optCentersPerClass(int centersPerClass) {
            return set(CENTERS_PER_CLASS, centersPerClass);
        }

        /**
         * Sets {@link SoftTripleLoss#LA}.
         *
         * @param la the value
         * @return this builder
         */
        public Builder optLa(double la) {
            return set(LA, la);
        }

        /**
         * Sets {@link SoftTripleLoss#GAMMA}.
         *
         * @param gamma the value
         * @return this builder
         */
        public Builder optGamma(double gamma) {
            return set(GAMMA, gamma);
        }

        /**
         * Sets {@link SoftTripleLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }
    }
}
