package org.quaterion.examples.docs;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.models.SimilarityModel;
import org.quaterion.negatives.HardNegativeMiner;

/** docs/training.md, hard negatives mined over the corpus. */
final class TrainingHardNegatives {

    private TrainingHardNegatives() {}

    static PairsSimilarityDataLoader<String> mine(SimilarityModel<String> model,
            List<SimilarityPairSample<String>> pairs) {
        // snippet-start
        HardNegativeMiner miner = HardNegativeMiner.builder()
                .optNegatives(5)              // per pair
                .optRankRange(3, 30)          // skip the 3 nearest (often unlabelled positives), look 30 deep
                .optRelativeMargin(0.95)      // and keep only candidates below 95% of the pair's own similarity
                .build();
        HardNegativeMiner.Result<String> mined;
        try (NDManager manager = NDManager.newBaseManager()) {
            // corpus: every distinct objB (pass a list to mine from other records)
            mined = miner.mine(pairs, HardNegativeMiner.Embedder.of(model, 256), manager);
        }
        // MultipleNegativesRankingLoss ranks each positive among the batch's positives AND mined negatives
        PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(mined.samples(),
                LoaderOptions.batchSize(256).withShuffle(42));
        // snippet-end
        return loader;
    }
}
