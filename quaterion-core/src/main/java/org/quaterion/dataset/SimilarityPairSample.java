package org.quaterion.dataset;

import java.util.List;

/**
 * Two objects and how similar they are: score 1 for a similar pair, 0 for a dissimilar one, or a graded value.
 * Pairs of the same subgroup are never used as each other's negatives; subgroup 0 is the default. Quaterion's
 * {@code SimilarityPairSample(obj_a, obj_b, score, subgroup)}.
 *
 * <p>A similar pair may carry explicit negatives for {@code objA} (sentence-transformers' (anchor, positive,
 * negative…) rows), e.g. from {@link org.quaterion.negatives.HardNegativeMiner}: records known to be less similar to
 * {@code objA} than {@code objB} is. Losses that can use them (MultipleNegativesRankingLoss as extra candidates,
 * PairContrastiveLoss as dissimilar pairs) do; any other pair loss refuses a batch that has them.
 *
 * @param objA the first record, not null
 * @param objB the second record, not null
 * @param score the similarity target, finite
 * @param subgroup the subgroup id
 * @param negatives explicit negatives of {@code objA} (empty for none; only on a pair with a positive score)
 * @param <T> record type
 */
public record SimilarityPairSample<T>(T objA, T objB, double score, long subgroup, List<T> negatives) {

    /** Validates the sample. */
    public SimilarityPairSample {
        if (objA == null || objB == null) {
            throw new IllegalArgumentException("a pair sample needs two objects; got " + objA + " and " + objB);
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("a pair score must be finite, got " + score);
        }
        if (negatives == null || negatives.isEmpty()) {
            negatives = List.of();
        } else {
            if (negatives.stream().anyMatch(java.util.Objects::isNull)) { // List.of(…).contains(null) throws
                throw new IllegalArgumentException("explicit negatives must not contain null: " + negatives);
            }
            if (!(score > 0)) {
                throw new IllegalArgumentException("explicit negatives belong to a similar pair (score > 0), got "
                        + "score " + score + "; drop the negatives of dissimilar pairs");
            }
            negatives = List.copyOf(negatives);
        }
    }

    /**
     * A pair without explicit negatives.
     *
     * @param objA the first record
     * @param objB the second record
     * @param score the similarity target
     * @param subgroup the subgroup id
     */
    public SimilarityPairSample(T objA, T objB, double score, long subgroup) {
        this(objA, objB, score, subgroup, List.of());
    }

    /**
     * The same pair with these explicit negatives (replacing any it had).
     *
     * @param negatives explicit negatives of {@code objA}
     * @return the new sample
     */
    public SimilarityPairSample<T> withNegatives(List<T> negatives) {
        return new SimilarityPairSample<>(objA, objB, score, subgroup, negatives);
    }

    /**
     * A similar pair with Quaterion's defaults: score 1.0, subgroup 0.
     *
     * @param objA the first object
     * @param objB the second object
     * @param <T> the record type
     * @return the sample
     */
    public static <T> SimilarityPairSample<T> of(T objA, T objB) {
        return of(objA, objB, 1.0);
    }

    /**
     * A pair in subgroup 0.
     *
     * @param objA the first record
     * @param objB the second record
     * @param score the similarity target
     * @param <T> record type
     * @return the sample
     */
    public static <T> SimilarityPairSample<T> of(T objA, T objB, double score) {
        return new SimilarityPairSample<>(objA, objB, score, 0);
    }
}
