package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupBatch;
import org.quaterion.dataset.PairBatch;
import org.quaterion.eval.EmbeddedSample;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.score.ScoreLoss;
import org.quaterion.miner.IndexTuples;

/**
 * The loss of a batch's embeddings: a group loss (with the model's miner when it is the model's main loss) or a pair
 * loss, as the batch is; the loss of the batch's dataset when the loader has several.
 */
final class LossComputation<T> {

    private final TrainableModel<T> trainable;

    LossComputation(TrainableModel<T> trainable) {
        this.trainable = trainable;
    }

    /**
     * The batch's loss.
     *
     * @param dataset the batch's dataset in a multi-dataset loader, or null for a single loader
     */
    NDArray of(String dataset, Batch<T> batch, NDArray embeddings, NDManager manager) {
        SimilarityLoss loss = trainable.lossOf(dataset);
        return batch.match(g -> groupLoss(loss, g, embeddings, manager), p -> pairLoss(loss, p, embeddings, manager));
    }

    private NDArray groupLoss(SimilarityLoss configured, GroupBatch<T> g, NDArray embeddings, NDManager manager) {
        if (configured instanceof ScoreLoss scoreLoss) {
            if (g.targets() == null) {
                throw new IllegalArgumentException(configured.getClass().getSimpleName() + " is a ScoreLoss: it "
                        + "needs scored pairs with targets; train it with a ScoredPairDataLoader");
            }
            return scoreLoss.forward(embeddings, manager.create(g.targets()), manager.create(g.groups()));
        }
        if (g.targets() != null) {
            throw new IllegalArgumentException("a ScoredPairDataLoader's scored pairs need a ScoreLoss (binary or "
                    + "listwise cross-entropy, margin-MSE, RankNet, LambdaLoss), but the loss is "
                    + configured.getClass().getSimpleName());
        }
        if (!(configured instanceof GroupLoss loss)) {
            throw new IllegalArgumentException("a group loader needs a GroupLoss, but the loss is "
                    + configured.getClass().getSimpleName() + "; use a PairsSimilarityDataLoader for it");
        }
        NDArray groups = manager.create(g.groups());
        IndexTuples tuples = trainable.miner() == null || configured != trainable.loss() ? null
                : trainable.miner().mine(embeddings, groups);
        return loss.forward(embeddings, groups, tuples);
    }

    private NDArray pairLoss(SimilarityLoss configured, PairBatch<T> p, NDArray embeddings, NDManager manager) {
        if (configured instanceof ScoreLoss) {
            throw new IllegalArgumentException(configured.getClass().getSimpleName() + " is a ScoreLoss: it scores "
                    + "(query, document) pairs with a cross-encoder; train it with a ScoredPairDataLoader, not a pair "
                    + "loader");
        }
        if (!(configured instanceof PairwiseLoss loss)) {
            throw new IllegalArgumentException("a pair loader needs a PairwiseLoss, but the loss is "
                    + configured.getClass().getSimpleName() + "; use a GroupSimilarityDataLoader for it");
        }
        return loss.forward(embeddings, manager.create(p.pairs()), manager.create(p.labels()),
                manager.create(p.subgroups()), p.negatives().length == 0 ? null : manager.create(p.negatives()),
                p.teacherEmbeddings() == null ? null : manager.create(p.teacherEmbeddings()),
                p.teacherMargins() == null ? null : manager.create(p.teacherMargins()));
    }

    /** The batch's embeddings and labels as the attached metrics read them (pairs without explicit negatives). */
    static <T> EmbeddedSample sample(Batch<T> batch, NDArray embeddings) {
        return batch.match(g -> EmbeddedSample.ofGroups(embeddings, g.groups(), null),
                p -> EmbeddedSample.ofPairs(p.negatives().length == 0 ? embeddings
                        : embeddings.get("0:" + 2 * p.rows().length), p.pairs(), p.labels(), null, false));
    }
}
