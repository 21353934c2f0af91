package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import org.quaterion.loss.SimilarityLoss;

/**
 * A loss on the scores a cross-encoder gives (query, document) pairs: one row per {@link
 * org.quaterion.dataset.ScoredPair}, with its target and its query's group. Rows of one group form the query's list;
 * they need not be contiguous, and their order within the group is the batch's row order.
 *
 * <p>What each loss reads from the targets:
 *
 * <table>
 * <caption>Targets per loss</caption>
 * <tr><th>loss</th><th>target</th><th>groups</th></tr>
 * <tr><td>{@link BinaryCrossEntropyScoreLoss}</td><td>a label in [0, 1] (1 relevant, 0 not, or a soft label)</td>
 * <td>ignored (checked for shape)</td></tr>
 * <tr><td>{@link ListwiseCrossEntropyLoss}</td><td>1 for the group's one positive, 0 for its negatives</td>
 * <td>one list per query: exactly one positive</td></tr>
 * <tr><td>{@link MarginMseScoreLoss}</td><td>the teacher's score of the pair; the group's first row is the positive
 * p</td><td>one list per query</td></tr>
 * <tr><td>{@link RankNetLoss}, {@link LambdaLoss}</td><td>a relevance grade (any finite value; higher is more
 * relevant)</td><td>one list per query</td></tr>
 * </table>
 *
 * <p>Inputs a loss cannot use (an empty batch, mismatched lengths, a non-finite target or score, a group without what
 * the loss needs) are refused with an {@link IllegalArgumentException} naming the problem; no loss returns NaN.
 */
public interface ScoreLoss extends SimilarityLoss {

    /**
     * Computes the loss.
     *
     * @param scores the model's scores: {@code (n)} or {@code (n, L)} with one logit per pair ({@code L = 1}); float32
     *     or float64, with the graph the gradient flows back through
     * @param targets {@code (n)} targets, read as the loss's Javadoc says (converted to the scores' type)
     * @param groups {@code (n)} whole-number group ids (the queries' ids)
     * @return the scalar loss, in the scores' type
     * @throws IllegalArgumentException when the inputs do not fit the loss
     */
    NDArray forward(NDArray scores, NDArray targets, NDArray groups);
}
