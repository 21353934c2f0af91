package org.quaterion.dataset;

/**
 * Two objects and how similar they are: score 1 for a similar pair, 0 for a dissimilar one, or a graded value.
 * Pairs of the same subgroup are never used as each other's negatives; subgroup 0 is the default. Quaterion's
 * {@code SimilarityPairSample(obj_a, obj_b, score, subgroup)}.
 *
 * @param objA the first record, not null
 * @param objB the second record, not null
 * @param score the similarity target, finite
 * @param subgroup the subgroup id
 * @param <T> record type
 */
public record SimilarityPairSample<T>(T objA, T objB, double score, long subgroup) {

    /** Validates the sample. */
    public SimilarityPairSample {
        if (objA == null || objB == null) {
            throw new IllegalArgumentException("a pair sample needs two objects; got " + objA + " and " + objB);
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("a pair score must be finite, got " + score);
        }
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
