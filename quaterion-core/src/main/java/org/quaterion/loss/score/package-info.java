/**
 * Cross-encoder losses: {@link ScoreLoss}es on one score per (query, document) pair, its target and its query's group
 * (sentence-transformers' cross-encoder losses).
 */
package org.quaterion.loss.score;
