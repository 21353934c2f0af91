package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * LambdaLoss for graded relevance (sentence-transformers' cross-encoder {@code LambdaLoss}; Wang et al. 2018, "The
 * LambdaLoss Framework for Ranking Metric Optimization"): over each group's pairs (i, j) with target
 * {@code t_i > t_j}, both in the top k of the predicted ranking,
 * {@code ℓ_ij = −log2(max(max(σ(sigma · (s_i − s_j)), eps)^w_ij, eps))}, mean over all such pairs of the batch; the
 * weights w come from the {@link WeightingScheme} (default NDCG-Loss2++ with μ = 10). Targets are relevance grades;
 * the gains use {@code max(t, 0)}. A batch where no group has two different targets has nothing to learn: its loss is
 * 0 (sentence-transformers' mean over no pairs is NaN).
 */
public final class LambdaLoss extends AbstractScoreLoss {

    /** The weighting scheme, NDCG-Loss2++ as sentence-transformers. */
    public static final Setting<WeightingScheme> WEIGHTING_SCHEME = Setting.choice("weighting_scheme",
            WeightingScheme.NDCG_LOSS2PP, "how each pair is weighted");
    /** The weight μ of NDCG-Loss2 in NDCG-Loss2++. */
    public static final Setting<Double> MU = Setting.real("mu", 10.0, v -> v >= 0, "mu >= 0",
            "weight of NDCG-Loss2 in NDCG-Loss2++ (only with weighting_scheme ndcg_loss2pp)");
    /** The cut-off of NDCG@k; null for all documents. */
    public static final Setting<Integer> K = PairwiseRanking.K;
    /** The factor on score differences inside the sigmoid. */
    public static final Setting<Double> SIGMA = PairwiseRanking.SIGMA;
    /** The floor of the probabilities and of maxDCG. */
    public static final Setting<Double> EPS = PairwiseRanking.EPS;
    /** The logarithm: binary, as sentence-transformers. */
    public static final Setting<LogBase> REDUCTION_LOG = PairwiseRanking.REDUCTION_LOG;
    /** Applied to the logits first: the identity, as sentence-transformers. */
    public static final Setting<ScoreActivation> ACTIVATION = activation(ScoreActivation.IDENTITY);
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<LambdaLoss> SPEC = ComponentSpec.of("lambda_loss", LambdaLoss.class,
            LambdaLoss::new, WEIGHTING_SCHEME, MU, K, SIGMA, EPS, REDUCTION_LOG, ACTIVATION);

    private final PairwiseRanking ranking;

    private LambdaLoss(Settings settings) {
        super(settings);
        if (settings.get(WEIGHTING_SCHEME) != WeightingScheme.NDCG_LOSS2PP && settings.get(MU) != 10.0) {
            throw new IllegalArgumentException("LambdaLoss uses mu only with weighting_scheme ndcg_loss2pp; got mu "
                    + settings.get(MU) + " with " + settings.get(WEIGHTING_SCHEME) + "; remove mu");
        }
        this.ranking = new PairwiseRanking(settings.get(WEIGHTING_SCHEME), settings.get(MU), settings.get(K),
                settings.get(SIGMA), settings.get(EPS), settings.get(REDUCTION_LOG), settings.get(ACTIVATION));
    }

    /** Creates the loss with sentence-transformers' defaults (NDCG-Loss2++, all documents, sigma 1, log2). */
    public LambdaLoss() {
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

    /** Builds a {@link LambdaLoss}. */
    public static final class Builder extends RankingLossBuilder<LambdaLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets the weighting scheme (default NDCG-Loss2++).
         *
         * @param scheme the scheme
         * @return this builder
         */
        public Builder optWeightingScheme(WeightingScheme scheme) {
            return set(WEIGHTING_SCHEME, scheme);
        }

        /**
         * Sets μ of NDCG-Loss2++ (default 10).
         *
         * @param mu the weight, &gt;= 0
         * @return this builder
         */
        public Builder optMu(double mu) {
            return set(MU, mu);
        }
    }
}
