/**
 * OML's pairwise re-ranker for any modality: an MLP over a combination of two feature vectors, trained with binary
 * cross-entropy on the first stage's hard pairs, re-scoring each query's top-n ({@link PairwiseReranker},
 * {@link PairwiseReranking}).
 */
package org.quaterion.rerank.pairwise;
