package org.quaterion.loss.score;

import org.quaterion.settings.ComponentSpec;

/**
 * Base of the builders of the pairwise ranking losses ({@link RankNetLoss}, {@link LambdaLoss}): the settings they
 * share, with sentence-transformers' defaults.
 *
 * @param <L> the loss
 * @param <B> the concrete builder
 */
public abstract class RankingLossBuilder<L extends ScoreLoss, B extends RankingLossBuilder<L, B>>
        extends ScoreLossBuilder<L, B> {

    /**
     * Creates a builder with the declared defaults.
     *
     * @param spec the loss's declaration
     */
    RankingLossBuilder(ComponentSpec<? extends L> spec) {
        super(spec);
    }

    /**
     * Sets the cut-off: only pairs within the predicted top k count (default: none, all documents).
     *
     * @param k the cut-off, &gt;= 1, or null for none
     * @return this builder
     */
    public final B optK(Integer k) {
        return set(PairwiseRanking.K, k);
    }

    /**
     * Sets the factor on score differences inside the sigmoid (default 1).
     *
     * @param sigma the factor, &gt; 0
     * @return this builder
     */
    public final B optSigma(double sigma) {
        return set(PairwiseRanking.SIGMA, sigma);
    }

    /**
     * Sets the floor of the pair probabilities (and of LambdaLoss's maxDCG) (default 1e-10).
     *
     * @param eps the floor, in (0, 1)
     * @return this builder
     */
    public final B optEps(double eps) {
        return set(PairwiseRanking.EPS, eps);
    }

    /**
     * Sets the logarithm (default binary).
     *
     * @param log the logarithm
     * @return this builder
     */
    public final B optReductionLog(LogBase log) {
        return set(PairwiseRanking.REDUCTION_LOG, log);
    }
}
