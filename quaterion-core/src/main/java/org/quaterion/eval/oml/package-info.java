/**
 * OpenMetricLearning's validation inside a fit: {@link org.quaterion.eval.oml.OmlEvaluation} encodes a query/gallery
 * set every epoch and adds {@link org.quaterion.eval.OmlEmbeddingMetrics} (CMC, precision, MAP, NDCG, FNMR@FMR, PCF,
 * overall and per category) to the epoch's row, where early stopping can monitor them.
 */
package org.quaterion.eval.oml;
