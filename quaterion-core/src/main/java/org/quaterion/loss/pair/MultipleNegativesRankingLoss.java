package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.models.internal.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Multiple negatives ranking loss (Henderson et al., arXiv 1705.00652): for positive pairs (a_k, b_k), logits
 * {@code scale · s(a_i, b_j)} and cross-entropy with target j = i, i.e. every other pair's b is a negative;
 * symmetric adds the transposed direction and averages. All scores must be 1.
 *
 * <p>Default similarity: cosine, scale 20 (sentence-transformers' semantics). Quaterion's cosine similarity
 * matrix is (1 + cos)/2, i.e. {@code Distance.cosine().scaled(0.5)}: its scale 20 is a scale of 10 on cos.
 */
public final class MultipleNegativesRankingLoss extends PairwiseLoss {

    /** The similarity scale. */
    public static final Setting<Double> SCALE = Setting.real("scale", 20, v -> v > 0, "scale > 0",
            "the scale of the similarities (inverse temperature)");
    /** Whether both directions count. */
    public static final Setting<Boolean> SYMMETRIC = Setting.flag("symmetric", false,
            "average the a→b and b→a directions");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MultipleNegativesRankingLoss> SPEC = ComponentSpec.of("multiple_negatives_ranking", MultipleNegativesRankingLoss.class, MultipleNegativesRankingLoss::new,
            SCALE, SYMMETRIC, DISTANCE);

    private final double scale;
    private final boolean symmetric;

    private MultipleNegativesRankingLoss(Settings settings) {
        super(settings);
        this.scale = settings.get(SCALE);
        this.symmetric = settings.get(SYMMETRIC);
    }

    /** Creates the loss with scale 20, cosine, not symmetric. */
    public MultipleNegativesRankingLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected NDArray compute(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups, NDArray zero) {
        checkPositive(labels);
        long n = pairs.getShape().get(0);
        if (n == 0) {
            return zero;
        }
        return ranking(left(embeddings, pairs), right(embeddings, pairs), n);
    }

    /**
     * Explicit negatives join the candidates of every query, as in sentence-transformers' (anchor, positive,
     * negative) batches: each query ranks its positive among the n positives and the k negatives of the batch. The
     * symmetric term (positives ranking their queries) stays over the n pairs.
     */
    @Override
    protected NDArray computeWithNegatives(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray owners, NDArray negatives, NDArray zero) {
        checkPositive(labels);
        long n = pairs.getShape().get(0);
        NDArray candidates = right(embeddings, pairs).concat(embeddings.get(negatives), 0);
        return ranking(left(embeddings, pairs), candidates, n);
    }

    private static void checkPositive(NDArray labels) {
        if (labels.neq(1).any().getBoolean()) {
            throw new IllegalArgumentException("MultipleNegativesRankingLoss takes positive pairs only (every score "
                    + "1); drop negative pairs or use ContrastiveLoss");
        }
    }

    /** Cross-entropy of each query against the candidates, whose first n rows are the queries' positives. */
    private NDArray ranking(NDArray queries, NDArray candidates, long n) {
        NDArray logits = Scalars.mul(distance().similarityMatrix(queries, candidates), scale);
        NDArray targets = queries.getManager().arange(0L, n, 1L, ai.djl.ndarray.types.DataType.INT64);
        NDArray loss = LossMath.crossEntropy(logits, targets).mean();
        if (symmetric) {
            NDArray square = candidates.getShape().get(0) == n ? logits : logits.get(":, 0:" + n);
            loss = Scalars.div(loss.add(LossMath.crossEntropy(square.transpose(), targets).mean()), 2);
        }
        return loss;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MultipleNegativesRankingLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<MultipleNegativesRankingLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link MultipleNegativesRankingLoss#SCALE}.
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            return set(SCALE, scale);
        }

        /**
         * Sets {@link MultipleNegativesRankingLoss#SYMMETRIC}.
         * default false).
         *
         * @param symmetric the value
         * @return this builder
         */
        public Builder optSymmetric(boolean symmetric) {
            return set(SYMMETRIC, symmetric);
        }
    }
}
