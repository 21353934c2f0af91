/** Re-ranking at serving time: {@link PairScorer} scores a query's candidates (cross-encoders, pairwise re-rankers). */
package org.quaterion.models.rerank;
