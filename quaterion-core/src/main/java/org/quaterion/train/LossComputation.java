package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupBatch;
import org.quaterion.dataset.PairBatch;
import org.quaterion.eval.EmbeddedSample;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.miner.IndexTuples;

/** The loss of a batch's embeddings: a group loss (with the model's miner) or a pair loss, as the batch is. */
final class LossComputation<T> {

    private final TrainableModel<T> trainable;

    LossComputation(TrainableModel<T> trainable) {
        this.trainable = trainable;
    }

    NDArray of(Batch<T> batch, NDArray embeddings, NDManager manager) {
        return batch.match(g -> groupLoss(g, embeddings, manager), p -> pairLoss(p, embeddings, manager));
    }

    private NDArray groupLoss(GroupBatch<T> g, NDArray embeddings, NDManager manager) {
        if (!(trainable.loss() instanceof GroupLoss loss)) {
            throw new IllegalArgumentException("a group loader needs a GroupLoss, but configureLoss returned "
                    + trainable.loss().getClass().getSimpleName() + "; use a PairsSimilarityDataLoader for it");
        }
        NDArray groups = manager.create(g.groups());
        IndexTuples tuples = trainable.miner() == null ? null : trainable.miner().mine(embeddings, groups);
        return loss.forward(embeddings, groups, tuples);
    }

    private NDArray pairLoss(PairBatch<T> p, NDArray embeddings, NDManager manager) {
        if (!(trainable.loss() instanceof PairwiseLoss loss)) {
            throw new IllegalArgumentException("a pair loader needs a PairwiseLoss, but configureLoss returned "
                    + trainable.loss().getClass().getSimpleName() + "; use a GroupSimilarityDataLoader for it");
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
