package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Listwise softmax cross-entropy over each query's (positive, mined negatives) group: with x = scale · activation
 * (score), a group's loss is {@code −log softmax(x)[positive] = log Σ_j exp(x_j) − x_pos}, mean over the groups
 * (sentence-transformers' cross-encoder {@code MultipleNegativesRankingLoss} on hard negatives: its defaults, sigmoid
 * and scale 10; its random in-batch negatives are rows the data adds to a group).
 *
 * <p>Targets are 1 for the group's positive and 0 for its negatives. A group without exactly one positive is refused
 * with a message (a query with several positives is several groups, each positive with the negatives); a group of a
 * single document (its positive alone) contributes 0.
 */
public final class ListwiseCrossEntropyLoss extends AbstractScoreLoss {

    /** Applied to the logits first: the sigmoid, as sentence-transformers. */
    public static final Setting<ScoreActivation> ACTIVATION = activation(ScoreActivation.SIGMOID);
    /** The factor on the activated scores (the softmax temperature's inverse). */
    public static final Setting<Double> SCALE = Setting.real("scale", 10.0, v -> v > 0, "scale > 0",
            "factor on the activated scores before the softmax");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ListwiseCrossEntropyLoss> SPEC = ComponentSpec.of("listwise_cross_entropy",
            ListwiseCrossEntropyLoss.class, ListwiseCrossEntropyLoss::new, ACTIVATION, SCALE);

    private final ScoreActivation activation;
    private final double scale;

    private ListwiseCrossEntropyLoss(Settings settings) {
        super(settings);
        this.activation = settings.get(ACTIVATION);
        this.scale = settings.get(SCALE);
    }

    /** Creates the loss with sentence-transformers' defaults (sigmoid, scale 10). */
    public ListwiseCrossEntropyLoss() {
        this(SPEC.read(null));
    }

    @Override
    NDArray compute(ScoreBatch batch) {
        ScoreGroups groups = batch.groups();
        long[] positives = positives(batch.targetValues(), groups);
        NDArray x = Scalars.mul(activation.apply(batch.scores()), scale);
        NDManager m = x.getManager();
        NDArray logSumExp = LossMath.logSumExp(groups.pad(x), groups.valid(m), false, 1);
        return logSumExp.sub(x.get(ScoreGroups.indices(m, positives))).mean();
    }

    /** The row of each group's positive; refuses targets other than 0/1 and groups without exactly one 1. */
    private static long[] positives(double[] t, ScoreGroups groups) {
        long[] out = new long[groups.count()];
        for (int g = 0; g < groups.count(); g++) {
            int found = 0;
            for (int row : groups.members(g)) {
                if (t[row] != 0 && t[row] != 1) {
                    throw new IllegalArgumentException("ListwiseCrossEntropyLoss needs targets 1 (the positive) or "
                            + "0 (a negative); row " + row + " of group " + groups.id(g) + " has " + t[row]
                            + "; for relevance grades use LambdaLoss or RankNetLoss");
                }
                if (t[row] == 1) {
                    out[g] = row;
                    found++;
                }
            }
            if (found != 1) {
                throw new IllegalArgumentException("ListwiseCrossEntropyLoss needs exactly one positive (target 1) "
                        + "per group; group " + groups.id(g) + " has " + found + " among " + groups.members(g).length
                        + " rows; give each positive its own group with the negatives, or drop groups without one");
            }
        }
        return out;
    }

    /**
     * A builder that starts from sentence-transformers' defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ListwiseCrossEntropyLoss}. */
    public static final class Builder extends ScoreLossBuilder<ListwiseCrossEntropyLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets the factor on the activated scores (default 10).
         *
         * @param scale the factor, &gt; 0
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }
    }
}
