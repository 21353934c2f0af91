package org.quaterion.models.rerank;

import java.util.List;

/**
 * Scores candidates against a query at serving time, for re-ranking a first stage's hits: a cross-encoder reads each
 * (query, candidate) pair together, a pairwise re-ranker compares their embeddings or features. A higher score means
 * more relevant; scores are comparable within one call (one query's candidates), not necessarily across models.
 *
 * <p>Implementations hold native resources (a model, a predictor): close them when done.
 *
 * @param <Q> query type
 * @param <D> candidate type
 */
public interface PairScorer<Q, D> extends AutoCloseable {

    /**
     * Scores each candidate against the query.
     *
     * @param query the query, not null
     * @param candidates the candidates, not null (may be empty)
     * @return one score per candidate, in the candidates' order
     * @throws IllegalArgumentException when the query or a candidate is null
     * @throws IllegalStateException when the scorer is closed
     */
    float[] score(Q query, List<D> candidates);

    /** Releases the scorer's native resources; scoring after it fails. */
    @Override
    void close();
}
