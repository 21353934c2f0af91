package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.Reduction;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * CoSENT, a ranking loss for graded pair scores (Su 2022; sentence-transformers' {@code CoSENTLoss}):
 * {@code L = log(1 + Σ_{(i,j): y_i > y_j} e^{λ(s_j − s_i)})} over all pairs of pairs, where s is the pair
 * similarity and y its score: every pair with a higher score should be more similar. Default λ = 20, cosine.
 * O(n²) for n pairs.
 */
public final class CoSENTLoss extends PairwiseLoss {

    /** The scale λ. */
    public static final Setting<Double> SCALE = Setting.real("scale", 20, v -> v > 0, "scale > 0",
            "the scale λ of the similarity differences");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<CoSENTLoss> SPEC = ComponentSpec.of("cosent", CoSENTLoss.class, CoSENTLoss::new,
            SCALE, DISTANCE);

    private final double scale;

    private CoSENTLoss(Settings settings) {
        super(settings);
        this.scale = settings.get(SCALE);
    }

    /** Creates the loss with λ = 20 and cosine. */
    public CoSENTLoss() {
        this(SPEC.read(null));
    }

    /**
     * One log-sum-exp over all ordered pairs of pairs, as the reference defines it.
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    @Override
    protected LossTerms compute(PairInputs in) {
        if (in.size() < 2) {
            return LossTerms.none();
        }
        NDArray s = Scalars.mul(distance().similarityRowwise(in.left(), in.right()), scale);
        NDArray diff = s.expandDims(0).sub(s.expandDims(1));
        NDArray ordered = in.scores().expandDims(1).gt(in.scores().expandDims(0));
        NDArray flat = diff.reshape(1, -1);
        return LossTerms.alreadyReduced(LossMath.logSumExp(flat, ordered.reshape(1, -1), true, 1).sum()
                .add(in.zero()));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CoSENTLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<CoSENTLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link CoSENTLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }
    }
}
