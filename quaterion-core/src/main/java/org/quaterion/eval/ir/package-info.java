/**
 * Information-retrieval evaluation, as sentence-transformers' {@code InformationRetrievalEvaluator}: queries, a
 * corpus and graded relevance judgements ({@link org.quaterion.eval.ir.IrDataset}, BEIR's layout or built in memory),
 * ranked by quaterion-search and scored with Accuracy, Precision, Recall, MRR, NDCG and MAP at several k
 * ({@link org.quaterion.eval.ir.IrEvaluator}); {@link org.quaterion.eval.ir.IrEvaluation} runs it every epoch of a
 * fit, where early stopping can monitor it.
 */
package org.quaterion.eval.ir;
