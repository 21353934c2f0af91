package org.quaterion.loss.score;

/**
 * How {@link LambdaLoss} weights each pair's log-likelihood (sentence-transformers' weighting schemes, Wang et al.
 * 2018, "The LambdaLoss Framework for Ranking Metric Optimization"). With G_i the gain {@code (2^max(t_i, 0) − 1) /
 * maxDCG} and D_i the discount {@code log2(2 + rank_i)} of the document at predicted rank {@code rank_i} (0-based):
 */
public enum WeightingScheme {
    /** Weight 1 for every pair: RankNet. */
    NONE,
    /** {@code G_i / D_i} (NDCG-Loss1); the only scheme that also counts pairs of equal targets. */
    NDCG_LOSS1,
    /** {@code δ_|rank_i − rank_j| · |G_i − G_j|}, {@code δ_d = |1/log2(1 + d) − 1/log2(2 + d)|} (NDCG-Loss2). */
    NDCG_LOSS2,
    /** {@code |1/D_i − 1/D_j| · |G_i − G_j|} (LambdaRank). */
    LAMBDA_RANK,
    /** {@code μ · NDCG-Loss2 + LambdaRank} (NDCG-Loss2++, sentence-transformers' default, μ = 10). */
    NDCG_LOSS2PP
}
