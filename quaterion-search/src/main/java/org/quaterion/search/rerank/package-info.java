/**
 * Two-stage search: a {@link org.quaterion.search.VectorIndex} finds candidates, a
 * {@link org.quaterion.models.rerank.PairScorer} (a cross-encoder, a pairwise re-ranker) re-scores them.
 */
package org.quaterion.search.rerank;
