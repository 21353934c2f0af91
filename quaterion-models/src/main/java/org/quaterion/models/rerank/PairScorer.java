package org.quaterion.models.rerank;

import java.util.List;

/**
 * Scores a query against candidates, one score per candidate, higher meaning more relevant: the second stage of a
 * two-stage search (a cross-encoder, or a pairwise re-ranker over embeddings) re-scores the candidates the first stage
 * found.
 *
 * @param <Q> the query type
 * @param <D> the candidate type
 */
public interface PairScorer<Q, D> extends AutoCloseable {

    /**
     * Scores each candidate against the query.
     *
     * @param query the query
     * @param candidates the candidates to score
     * @return one score per candidate, in the candidates' order; higher is more relevant
     */
    float[] score(Q query, List<D> candidates);
}
