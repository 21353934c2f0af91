package org.quaterion.dataset;

/**
 * One object and the group (class) it belongs to: objects of the same group are similar, of different groups
 * dissimilar. Quaterion's {@code SimilarityGroupSample(obj, group)}.
 *
 * @param obj the record to encode, not null
 * @param group its group id
 * @param <T> record type
 */
public record SimilarityGroupSample<T>(T obj, long group) {

    /** Validates the sample. */
    public SimilarityGroupSample {
        if (obj == null) {
            throw new IllegalArgumentException("a group sample needs an object; got null for group " + group);
        }
    }
}
