package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.Setting;

/**
 * The LambdaLoss framework as sentence-transformers computes it, shared by {@link LambdaLoss} and {@link RankNetLoss}:
 * over each group's pairs (i, j) with {@code t_i > t_j} (every pair of the group for {@link WeightingScheme#NDCG_LOSS1}),
 * both within the top k of the predicted ranking, {@code ℓ_ij = −log(max(max(σ(sigma · (s_i − s_j)), eps)^w_ij,
 * eps))}, mean over the batch's pairs. Instead of sorting the padded (groups, documents) matrix by score as
 * sentence-transformers does, each document's predicted rank is counted with masks ({@code rank_i = #{j : s_j > s_i}
 * + #{j before i : s_j = s_i}}: ties in score are ranked in batch order, where a stable sort would put them); the pair
 * set, the weights and the mean are the same.
 */
final class PairwiseRanking {

    /** The cut-off of NDCG@k. */
    static final Setting<Integer> K = Setting.optionalInteger("k", v -> v >= 1, "k >= 1",
            "only pairs within the top k of the predicted ranking count (and LambdaLoss's maxDCG is DCG@k); null for all");
    /** The factor on score differences inside the sigmoid. */
    static final Setting<Double> SIGMA = Setting.real("sigma", 1.0, v -> v > 0, "sigma > 0",
            "factor on the score difference inside the sigmoid");
    /** The floor of the probabilities and of maxDCG. */
    static final Setting<Double> EPS = Setting.real("eps", 1e-10, v -> v > 0 && v < 1, "0 < eps < 1",
            "floor of the pair probabilities (and of LambdaLoss's maxDCG), for numerical stability");
    /** The logarithm. */
    static final Setting<LogBase> REDUCTION_LOG = Setting.choice("reduction_log", LogBase.BINARY,
            "logarithm of the pair likelihoods");

    /** The largest score difference kept (sentence-transformers' clamp). */
    private static final double MAX_DIFF = 1e8;

    private final WeightingScheme scheme;
    private final double mu;
    private final Integer k;
    private final double sigma;
    private final double eps;
    private final LogBase log;
    private final ScoreActivation activation;

    PairwiseRanking(WeightingScheme scheme, double mu, Integer k, double sigma, double eps, LogBase log,
            ScoreActivation activation) {
        this.scheme = scheme;
        this.mu = mu;
        this.k = k;
        this.sigma = sigma;
        this.eps = eps;
        this.log = log;
        this.activation = activation;
    }

    /**
     * The loss of a batch.
     *
     * @param batch validated inputs; targets are relevance grades
     * @return the mean over the counted pairs, or 0 (connected to the scores) when no group has a counted pair
     */
    NDArray compute(ScoreBatch batch) {
        NDArray s = activation.apply(batch.scores());
        NDManager m = s.getManager();
        DataType type = s.getDataType();
        ScoreGroups groups = batch.groups();
        NDArray scores = groups.pad(s); // (G, M)
        NDArray targets = groups.pad(batch.targetValues(), m, type);
        NDArray valid = groups.valid(m);
        NDArray before = before(m, groups.width());
        NDArray rank = ranks(scores.stopGradient(), valid, before, type);
        NDArray pairs = valid.expandDims(2).logicalAnd(valid.expandDims(1));
        if (scheme != WeightingScheme.NDCG_LOSS1) {
            pairs = pairs.logicalAnd(targets.expandDims(2).gt(targets.expandDims(1)));
        }
        if (k != null) {
            NDArray top = rank.lt(k);
            pairs = pairs.logicalAnd(top.expandDims(2)).logicalAnd(top.expandDims(1));
        }
        long count = pairs.toType(DataType.INT64, false).sum().getLong();
        if (count == 0) {
            return AbstractScoreLoss.zero(s);
        }
        NDArray diff = scores.expandDims(2).sub(scores.expandDims(1)).clip(-MAX_DIFF, MAX_DIFF);
        NDArray p = floor(Activation.sigmoid(Scalars.mul(diff, sigma)));
        if (scheme != WeightingScheme.NONE) {
            p = floor(p.pow(weights(targets, valid, before, rank)));
        }
        NDArray logs = log == LogBase.BINARY ? p.log2() : p.log();
        return Scalars.div(logs.mul(pairs.toType(type, false)).sum(), count).neg();
    }

    /** {@code max(x, eps)} with the clamp's gradient (1 where x >= eps). */
    private NDArray floor(NDArray x) {
        return x.clip(eps, Double.POSITIVE_INFINITY);
    }

    /** The pair weights of the scheme, constants of shape (G, M, M) or (G, M, 1). */
    private NDArray weights(NDArray targets, NDArray valid, NDArray before, NDArray rank) {
        DataType type = targets.getDataType();
        NDArray ideal = ranks(targets, valid, before, type);
        NDArray gainRaw = Scalars.of(targets, 2).pow(Scalars.max(targets, 0)).sub(1);
        NDArray idealTop = k == null ? valid : valid.logicalAnd(ideal.lt(k));
        NDArray idealDcg = NDArrays.where(idealTop, gainRaw.div(ideal.add(2).log2()), gainRaw.zerosLike());
        NDArray gain = gainRaw.div(floor(idealDcg.sum(new int[] {1}, true)));
        NDArray discount = rank.add(2).log2();
        if (scheme == WeightingScheme.NDCG_LOSS1) {
            return gain.div(discount).expandDims(2);
        }
        NDArray gainGap = gain.expandDims(2).sub(gain.expandDims(1)).abs();
        NDArray lambdaRank = null;
        NDArray ndcg2 = null;
        if (scheme == WeightingScheme.LAMBDA_RANK || scheme == WeightingScheme.NDCG_LOSS2PP) {
            NDArray inverse = Scalars.pow(discount, -1);
            lambdaRank = inverse.expandDims(2).sub(inverse.expandDims(1)).abs().mul(gainGap);
        }
        if (scheme == WeightingScheme.NDCG_LOSS2 || scheme == WeightingScheme.NDCG_LOSS2PP) {
            NDArray delta = rank.expandDims(2).sub(rank.expandDims(1)).abs();
            NDArray same = delta.eq(0);
            NDArray safe = NDArrays.where(same, delta.onesLike(), delta);
            NDArray step = Scalars.pow(safe.add(1).log2(), -1).sub(Scalars.pow(safe.add(2).log2(), -1)).abs();
            ndcg2 = NDArrays.where(same, step.zerosLike(), step).mul(gainGap);
        }
        return switch (scheme) {
            case LAMBDA_RANK -> lambdaRank;
            case NDCG_LOSS2 -> ndcg2;
            default -> Scalars.mul(ndcg2, mu).add(lambdaRank);
        };
    }

    /** {@code before[0, i, j] = j < i}: earlier rows rank first among equal values. */
    private static NDArray before(NDManager m, int width) {
        boolean[] out = new boolean[width * width];
        for (int i = 0; i < width; i++) {
            for (int j = 0; j < i; j++) {
                out[i * width + j] = true;
            }
        }
        return ScoreGroups.mask(m, out, new Shape(1, width, width));
    }

    /**
     * Each valid slot's 0-based rank in its group by descending value, ties in slot order.
     *
     * @param x {@code (G, M)} values (no gradient)
     * @param valid {@code (G, M)} slots holding a row
     * @param before {@code (1, M, M)} slot order
     * @param type the result's type
     * @return {@code (G, M)} ranks (meaningless in padding)
     */
    private static NDArray ranks(NDArray x, NDArray valid, NDArray before, DataType type) {
        NDArray xi = x.expandDims(2);
        NDArray xj = x.expandDims(1);
        NDArray ahead = xj.gt(xi).logicalOr(xj.eq(xi).logicalAnd(before)).logicalAnd(valid.expandDims(1));
        return ahead.toType(type, false).sum(new int[] {2});
    }
}
