package org.quaterion.examples.docs;

import ai.djl.ndarray.NDArray;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.MultiSimilarityLoss;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.Miner;
import org.quaterion.reducer.SumReducer;

/** docs/losses.md. */
final class LossesComposition {

    private LossesComposition() {}

    static void compose(NDArray embeddings, NDArray labels, NDArray memoryEmbeddings, NDArray memoryLabels) {
        // snippet-start
        GroupLoss loss = new TripletMarginLoss(0.2);                 // normalised L2, AvgNonZero (PML defaults)
        Miner miner = new BatchHardMiner();
        NDArray value = loss.forward(embeddings, labels, miner.mine(embeddings, labels));
        // against a memory (cross-batch memory / XBM): references instead of the batch
        NDArray value2 = loss.forward(embeddings, labels, null, memoryEmbeddings, memoryLabels);
        // any reducer, as in PML: here the sum over anchors instead of the mean
        GroupLoss summed = MultiSimilarityLoss.builder().optAlpha(2).optBeta(50).optReducer(new SumReducer()).build();
        // snippet-end
    }
}
