package org.quaterion.dataset;

/**
 * One training record of a cross-encoder: a query, one document, the target the model's score is trained towards,
 * and the query's group. The pairs of one query share a group id and form one list (the query's positive and its
 * mined negatives, or its graded documents); the losses of {@code org.quaterion.loss.score} read the targets as their
 * Javadoc says (a 0/1 label, a relevance grade, or a teacher's score).
 *
 * @param query the query, not null
 * @param document the document scored against the query, not null
 * @param target the label (0 or 1), relevance grade or teacher score; finite
 * @param group the query's id: pairs with the same id form one list
 * @param <Q> query type
 * @param <D> document type
 */
public record ScoredPair<Q, D>(Q query, D document, double target, long group) {

    /** Validates the record. */
    public ScoredPair {
        if (query == null || document == null) {
            throw new IllegalArgumentException("a scored pair needs a query and a document; got query " + query
                    + " and document " + document);
        }
        if (!Double.isFinite(target)) {
            throw new IllegalArgumentException("the target of a scored pair must be finite (a label, grade or "
                    + "teacher score), got " + target + " for group " + group);
        }
    }

    /**
     * A labelled pair of its own list (group 0), e.g. for binary cross-entropy, which ignores the groups.
     *
     * @param query the query
     * @param document the document
     * @param label the target, typically 1 for relevant and 0 for not
     * @param <Q> query type
     * @param <D> document type
     * @return the record
     */
    public static <Q, D> ScoredPair<Q, D> labelled(Q query, D document, double label) {
        return new ScoredPair<>(query, document, label, 0);
    }
}
