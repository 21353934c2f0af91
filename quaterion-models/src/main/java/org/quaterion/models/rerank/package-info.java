/** Second-stage scoring of a query's candidates: {@link PairScorer}. */
package org.quaterion.models.rerank;
