package org.quaterion.examples.docs;

import ai.djl.ndarray.NDArray;
import org.quaterion.loss.ArcFaceLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.miner.BatchHardMiner;

/** README.md, losses. */
final class ReadmeLosses {

    private ReadmeLosses() {}

    static void losses(NDArray embeddings, NDArray labels, int numClasses, int dim) {
        // snippet-start
        GroupLoss loss = new TripletMarginLoss(0.2);                       // PML defaults: normalised L2, AvgNonZero
        NDArray value = loss.forward(embeddings, labels, new BatchHardMiner().mine(embeddings, labels));
        GroupLoss arcFace = ArcFaceLoss.builder().setNumClasses(numClasses).setEmbeddingSize(dim) // settings by name
                .optMargin(0.5).build();                                    // arcFace.parameters(): its class weights
        PairwiseLoss mnr = new MultipleNegativesRankingLoss();             // Quaterion's pair layout
        // snippet-end
    }
}
