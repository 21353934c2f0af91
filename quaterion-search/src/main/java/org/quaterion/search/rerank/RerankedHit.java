package org.quaterion.search.rerank;

import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

/**
 * One hit of a {@link TwoStageSearch}: the first stage's hit and the re-ranker's score.
 *
 * @param hit the first stage's hit (id, distance to the query, payload)
 * @param firstStageRank its rank among the first stage's candidates, 0 for the nearest
 * @param score the re-ranker's score of (query, candidate text); higher is more relevant
 */
public record RerankedHit(VectorIndex.Hit hit, int firstStageRank, float score) {

    /** Checks the hit. */
    public RerankedHit {
        if (hit == null || firstStageRank < 0) {
            throw new IllegalArgumentException("a re-ranked hit needs its first-stage hit and a rank >= 0");
        }
    }

    /**
     * The catalogue id.
     *
     * @return the id
     */
    public String id() {
        return hit.id();
    }

    /**
     * The first stage's distance to the query (smaller = closer).
     *
     * @return the distance
     */
    public double distance() {
        return hit.distance();
    }

    /**
     * The item's payload.
     *
     * @return the payload, null when it has none
     */
    public Payload payload() {
        return hit.payload();
    }
}
