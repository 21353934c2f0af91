package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
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
    /** The reducer of the per-query losses (both directions when symmetric): the mean, as sentence-transformers. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MultipleNegativesRankingLoss> SPEC = ComponentSpec.of("multiple_negatives_ranking", MultipleNegativesRankingLoss.class, MultipleNegativesRankingLoss::new,
            SCALE, SYMMETRIC, DISTANCE, REDUCER);

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
