package org.quaterion.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 * <p>For distillation a pair may carry what a teacher model says about it: a teacher embedding that both members'
 * embeddings regress onto ({@code EmbeddingMseLoss}: e.g. a sentence and its translation, and the teacher's embedding
 * of the sentence), or one teacher score margin per explicit negative, {@code s_T(objA, objB) − s_T(objA, negative)}
 * ({@code MarginMseLoss}). A loss that does not use them refuses a batch that has them.
 *
 * @param objA the first record, not null
 * @param objB the second record, not null
 * @param score the similarity target, finite
 * @param subgroup the subgroup id
 * @param negatives explicit negatives of {@code objA} (empty for none; only on a pair with a positive score)
 * @param teacherEmbedding the teacher's embedding both members should reproduce, or null for none
 * @param teacherMargins one teacher margin per explicit negative, or null for none
 * @param <T> record type
 */
public record SimilarityPairSample<T>(T objA, T objB, double score, long subgroup, List<T> negatives,
        float[] teacherEmbedding, double[] teacherMargins) {

    /** Validates the sample and copies its arrays. */
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
            if (negatives.stream().anyMatch(Objects::isNull)) { // List.of(…).contains(null) throws
                throw new IllegalArgumentException("explicit negatives must not contain null: " + negatives);
            }
            if (!(score > 0)) {
                throw new IllegalArgumentException("explicit negatives belong to a similar pair (score > 0), got "
                        + "score " + score + "; drop the negatives of dissimilar pairs");
            }
            negatives = List.copyOf(negatives);
        }
        if (teacherEmbedding != null) {
            if (teacherEmbedding.length == 0) {
                throw new IllegalArgumentException("a teacher embedding needs at least one value");
            }
            for (float v : teacherEmbedding) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("a teacher embedding must be finite, got "
                            + Arrays.toString(teacherEmbedding));
                }
            }
            teacherEmbedding = teacherEmbedding.clone();
        }
        if (teacherMargins != null) {
            if (teacherMargins.length != negatives.size()) {
                throw new IllegalArgumentException("a pair with " + negatives.size() + " explicit negatives needs as "
                        + "many teacher margins (one per negative), got " + teacherMargins.length);
            }
            if (teacherMargins.length == 0) {
                throw new IllegalArgumentException("teacher margins belong to explicit negatives, and the pair has "
                        + "none; give the negatives with their margins");
            }
            for (double v : teacherMargins) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("teacher margins must be finite, got "
                            + Arrays.toString(teacherMargins));
                }
            }
            teacherMargins = teacherMargins.clone();
        }
    }

    /**
     * A pair with explicit negatives and no teacher targets.
     *
     * @param objA the first record
     * @param objB the second record
     * @param score the similarity target
     * @param subgroup the subgroup id
     * @param negatives explicit negatives of {@code objA}
     */
    public SimilarityPairSample(T objA, T objB, double score, long subgroup, List<T> negatives) {
        this(objA, objB, score, subgroup, negatives, null, null);
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
        this(objA, objB, score, subgroup, List.of(), null, null);
    }

    /**
     * The teacher embedding (a copy).
     *
     * @return the values, or null when the pair has none
     */
    @Override
    public float[] teacherEmbedding() {
        return teacherEmbedding == null ? null : teacherEmbedding.clone();
    }

    /**
     * The teacher margins, one per explicit negative (a copy).
     *
     * @return the margins, or null when the pair has none
     */
    @Override
    public double[] teacherMargins() {
        return teacherMargins == null ? null : teacherMargins.clone();
    }

    /**
     * The same pair with these explicit negatives (replacing any it had); refused on a pair with teacher margins,
     * which belong to the negatives it has.
     *
     * @param negatives explicit negatives of {@code objA}
     * @return the new sample
     * @throws IllegalArgumentException when the pair has teacher margins
     */
    public SimilarityPairSample<T> withNegatives(List<T> negatives) {
        if (teacherMargins != null) {
            throw new IllegalArgumentException("this pair has teacher margins for its " + this.negatives.size()
                    + " negatives; new negatives need their own: use withTeacherMargins(negatives, margins)");
        }
        return new SimilarityPairSample<>(objA, objB, score, subgroup, negatives, teacherEmbedding, null);
    }

    /**
     * The same pair with a teacher embedding ({@code EmbeddingMseLoss}): both members' embeddings regress onto it.
     *
     * @param embedding the teacher's embedding (e.g. of {@code objA} in the source language), or null for none
     * @return the new sample
     */
    public SimilarityPairSample<T> withTeacherEmbedding(float[] embedding) {
        return new SimilarityPairSample<>(objA, objB, score, subgroup, negatives, embedding, teacherMargins);
    }

    /**
     * The same pair with explicit negatives and the teacher's score margin for each ({@code MarginMseLoss}):
     * {@code margins[j] = s_T(objA, objB) − s_T(objA, negatives[j])}, e.g. from a cross-encoder's scores.
     *
     * @param negatives explicit negatives of {@code objA}, at least one
     * @param margins one margin per negative
     * @return the new sample
     */
    public SimilarityPairSample<T> withTeacherMargins(List<T> negatives, double... margins) {
        return new SimilarityPairSample<>(objA, objB, score, subgroup, negatives, teacherEmbedding,
                Objects.requireNonNull(margins, "margins"));
    }

    /** The same pair with other records (an augmentation's), its labels and teacher targets kept. */
    SimilarityPairSample<T> withRecords(T a, T b, List<T> negativeRecords) {
        return new SimilarityPairSample<>(a, b, score, subgroup, negativeRecords, teacherEmbedding, teacherMargins);
    }

    /**
     * Every record of the sample: {@code objA}, {@code objB}, then the explicit negatives (what a
     * {@link org.quaterion.sampler.NoDuplicatesBatchSampler} keeps from repeating within a batch).
     *
     * @return the records, in that order
     */
    public List<T> records() {
        List<T> out = new java.util.ArrayList<>(2 + negatives.size());
        out.add(objA);
        out.add(objB);
        out.addAll(negatives);
        return out;
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

    /** Equal records, labels and teacher targets (arrays by content). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SimilarityPairSample<?> p && p.objA.equals(objA) && p.objB.equals(objB)
                && Double.compare(p.score, score) == 0 && p.subgroup == subgroup && p.negatives.equals(negatives)
                && Arrays.equals(p.teacherEmbedding, teacherEmbedding)
                && Arrays.equals(p.teacherMargins, teacherMargins);
    }

    @Override
    public int hashCode() {
        return Objects.hash(objA, objB, score, subgroup, negatives, Arrays.hashCode(teacherEmbedding),
                Arrays.hashCode(teacherMargins));
    }

    @Override
    public String toString() {
        return "SimilarityPairSample[objA=" + objA + ", objB=" + objB + ", score=" + score + ", subgroup=" + subgroup
                + ", negatives=" + negatives
                + (teacherEmbedding == null ? "" : ", teacherEmbedding=" + teacherEmbedding.length + " values")
                + (teacherMargins == null ? "" : ", teacherMargins=" + Arrays.toString(teacherMargins)) + "]";
    }
}
