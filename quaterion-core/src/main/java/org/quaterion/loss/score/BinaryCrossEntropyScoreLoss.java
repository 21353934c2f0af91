package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Binary cross-entropy on labelled pairs (sentence-transformers' cross-encoder {@code BinaryCrossEntropyLoss}, which
 * is {@code torch.nn.BCEWithLogitsLoss}): with x the activated score and y the target,
 * {@code ℓ = −[w·y·log σ(x) + (1 − y)·log(1 − σ(x))]}, mean over the pairs, w the {@code pos_weight} (1 when null).
 * Computed as {@code (1 − y)·x + (1 + (w − 1)·y)·softplus(−x)}, exact for any x. Targets are labels in [0, 1] (1
 * relevant, 0 not, or a soft label); groups are not used.
 */
public final class BinaryCrossEntropyScoreLoss extends AbstractScoreLoss {

    /** Applied to the logits first: the identity, as sentence-transformers. */
    public static final Setting<ScoreActivation> ACTIVATION = activation(ScoreActivation.IDENTITY);
    /** The weight of the positive term; null for none (1). */
    public static final Setting<Double> POS_WEIGHT = Setting.optionalReal("pos_weight", v -> v > 0, "pos_weight > 0",
            "weight of the positive term (torch's pos_weight), e.g. #negatives / #positives; null for 1");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<BinaryCrossEntropyScoreLoss> SPEC = ComponentSpec.of(
            "binary_cross_entropy_score", BinaryCrossEntropyScoreLoss.class, BinaryCrossEntropyScoreLoss::new,
            ACTIVATION, POS_WEIGHT);

    private final ScoreActivation activation;
    private final Double posWeight;

    private BinaryCrossEntropyScoreLoss(Settings settings) {
        super(settings);
        this.activation = settings.get(ACTIVATION);
        this.posWeight = settings.get(POS_WEIGHT);
    }

    /** Creates the loss with sentence-transformers' defaults (identity, no pos_weight). */
    public BinaryCrossEntropyScoreLoss() {
        this(SPEC.read(null));
    }

    @Override
    NDArray compute(ScoreBatch batch) {
        double[] t = batch.targetValues();
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] >= 0 && t[i] <= 1)) {
                throw new IllegalArgumentException("BinaryCrossEntropyScoreLoss needs targets in [0, 1] (1 relevant, "
                        + "0 not); target " + i + " is " + t[i] + "; for relevance grades use RankNetLoss or "
                        + "LambdaLoss");
            }
        }
        NDArray x = activation.apply(batch.scores());
        NDArray y = batch.targets();
        NDArray weight = posWeight == null ? y.onesLike() : Scalars.mul(y, posWeight - 1).add(1);
        NDArray terms = y.neg().add(1).mul(x).add(weight.mul(LossMath.softplusExact(x.neg())));
        return terms.mean();
    }

    /**
     * A builder that starts from sentence-transformers' defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BinaryCrossEntropyScoreLoss}. */
    public static final class Builder extends ScoreLossBuilder<BinaryCrossEntropyScoreLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets the weight of the positive term (default: none).
         *
         * @param posWeight the weight, &gt; 0, or null for none
         * @return this builder
         */
        public Builder optPosWeight(Double posWeight) {
            return set(POS_WEIGHT, posWeight);
        }
    }
}
