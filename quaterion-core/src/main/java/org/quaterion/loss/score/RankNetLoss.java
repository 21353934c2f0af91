package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * RankNet for graded relevance (sentence-transformers' cross-encoder {@code RankNetLoss}, a {@link LambdaLoss} without
 * weights; Burges et al. 2005): over each group's pairs (i, j) with target {@code t_i > t_j}, both in the top k of the
 * predicted ranking, {@code ℓ_ij = −log2(max(σ(sigma · (s_i − s_j)), eps))}, mean over all such pairs of the batch.
 * Targets are relevance grades (only their order within a group counts). A batch where no group has two different
 * targets has nothing to learn: its loss is 0 (sentence-transformers' mean over no pairs is NaN).
 */
public final class RankNetLoss extends AbstractScoreLoss {

    /** The cut-off: only pairs within the top k of the predicted ranking; null for all documents. */
    public static final Setting<Integer> K = PairwiseRanking.K;
    /** The factor on score differences inside the sigmoid. */
    public static final Setting<Double> SIGMA = PairwiseRanking.SIGMA;
    /** The floor of the probabilities. */
    public static final Setting<Double> EPS = PairwiseRanking.EPS;
    /** The logarithm: binary, as sentence-transformers. */
    public static final Setting<LogBase> REDUCTION_LOG = PairwiseRanking.REDUCTION_LOG;
    /** Applied to the logits first: the identity, as sentence-transformers. */
    public static final Setting<ScoreActivation> ACTIVATION = activation(ScoreActivation.IDENTITY);
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<RankNetLoss> SPEC = ComponentSpec.of("ranknet", RankNetLoss.class,
            RankNetLoss::new, K, SIGMA, EPS, REDUCTION_LOG, ACTIVATION);

    private final PairwiseRanking ranking;

    private RankNetLoss(Settings settings) {
        super(settings);
        this.ranking = new PairwiseRanking(WeightingScheme.NONE, 0, settings.get(K), settings.get(SIGMA),
                settings.get(EPS), settings.get(REDUCTION_LOG), settings.get(ACTIVATION));
    }

    /** Creates the loss with sentence-transformers' defaults (all documents, sigma 1, log2). */
    public RankNetLoss() {
        this(SPEC.read(null));
    }

    @Override
    NDArray compute(ScoreBatch batch) {
        return ranking.compute(batch);
    }

    /**
     * A builder that starts from sentence-transformers' defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RankNetLoss}. */
    public static final class Builder extends RankingLossBuilder<RankNetLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
