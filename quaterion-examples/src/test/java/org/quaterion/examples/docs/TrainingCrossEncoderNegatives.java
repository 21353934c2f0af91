package org.quaterion.examples.docs;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.models.SimilarityModel;
import org.quaterion.negatives.HardNegativeMiner;
import org.quaterion.onnx.CrossEncoderModel;

/** docs/training.md, hard negatives filtered by a cross-encoder, with teacher margins. */
final class TrainingCrossEncoderNegatives {

    private TrainingCrossEncoderNegatives() {}

    static PairsSimilarityDataLoader<String> mine(SimilarityModel<String> model, CrossEncoderModel crossEncoder,
            List<SimilarityPairSample<String>> pairs) {
        // snippet-start
        HardNegativeMiner miner = HardNegativeMiner.builder()
                .optNegatives(5)
                .optRankRange(0, 50)          // the cross-encoder re-scores the 50 nearest non-positives
                .optAbsoluteMargin(1.0)       // keeps those at least 1 logit below the pair's positive
                .optMaxScore(3.0)             // and none it calls relevant outright
                .optTeacherMargins(true)      // s(query, positive) − s(query, negative) for MarginMseLoss
                .build();
        HardNegativeMiner.Result<String> mined;
        try (NDManager manager = NDManager.newBaseManager()) {
            mined = miner.mine(pairs, null, HardNegativeMiner.Embedder.of(model, 256), crossEncoder, manager);
        }
        PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(mined.samples(),
                LoaderOptions.batchSize(64).withShuffle(42));
        // snippet-end
        return loader;
    }
}
