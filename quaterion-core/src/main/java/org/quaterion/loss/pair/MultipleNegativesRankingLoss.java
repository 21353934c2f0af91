package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.Reducer;

/**
 * Multiple negatives ranking loss (Henderson et al., arXiv 1705.00652): for positive pairs (a_k, b_k), logits
 * {@code scale · s(a_i, b_j)} and cross-entropy with target j = i, i.e. every other pair's b is a negative;
 * symmetric adds the transposed direction and averages. All scores must be 1. The per-query losses are reduced by
 * the loss's reducer (default the mean, sentence-transformers' value).
 *
 * <p>Default similarity: cosine, scale 20 (sentence-transformers' semantics). Quaterion's cosine similarity
 * matrix is (1 + cos)/2, i.e. {@code Distance.cosine().scaled(0.5)}: its scale 20 is a scale of 10 on cos.
 */
public final class MultipleNegativesRankingLoss extends PairwiseLoss {

    private final double scale;
    private final boolean symmetric;

    /**
     * Creates the loss.
     *
     * @param scale logit scale
     * @param distance the distance (similarities are its {@code toSimilarity})
     * @param symmetric also rank a's given b's
     * @param reducer the reducer of the per-query losses, or null for the mean
     */
    private MultipleNegativesRankingLoss(double scale, Distance distance, boolean symmetric, Reducer reducer) {
        super(distance, reducer);
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
        this.scale = scale;
        this.symmetric = symmetric;
    }

    /** Creates the loss with scale 20, cosine, not symmetric. */
    public MultipleNegativesRankingLoss() {
        this(20, null, false, null);
    }

    /**
     * Explicit negatives join the candidates of every query, as in sentence-transformers' (anchor, positive,
     * negative) batches: each query ranks its positive among the n positives and the k negatives of the batch.
     *
     * @return true
     */
    @Override
    public boolean usesExplicitNegatives() {
        return true;
    }

    /**
     * One cross-entropy per query (and, when symmetric, one per positive ranking the queries: the symmetric term
     * stays over the n pairs); the default mean over these 2n terms is the mean of the two directions' means.
     */
    @Override
    protected LossTerms compute(PairInputs in) {
        checkPositive(in.scores());
        long n = in.size();
        if (n == 0) {
            return LossTerms.none();
        }
        NDArray candidates = in.hasNegatives() ? in.right().concat(in.embeddings().get(in.negativeRows()), 0)
                : in.right();
        return LossTerms.of(ranking(in.left(), candidates, n));
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
        NDArray losses = LossMath.crossEntropy(logits, targets);
        if (symmetric) {
            NDArray square = candidates.getShape().get(0) == n ? logits : logits.get(":, 0:" + n);
            losses = losses.concat(LossMath.crossEntropy(square.transpose(), targets), 0);
        }
        return losses;
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("scale", scale);
        json.addProperty("symmetric", symmetric);
        return json;
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
        private double scale = 20;
        private boolean symmetric = false;

        private Builder() {}

        /**
         * Sets the similarity scale (1 / temperature), positive (default 20).
         *
         * @param scale the value
         * @return this builder
         */
        public Builder optScale(double scale) {
            this.scale = scale;
            return this;
        }

        /**
         * Sets whether the positive-to-anchor direction is added (sentence-transformers' symmetric loss;
         * default false).
         *
         * @param symmetric the value
         * @return this builder
         */
        public Builder optSymmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        @Override
        protected MultipleNegativesRankingLoss create() {
            return new MultipleNegativesRankingLoss(scale, distance(), symmetric, reducer());
        }
    }
}
