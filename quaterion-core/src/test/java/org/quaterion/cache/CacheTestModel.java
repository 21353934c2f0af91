package org.quaterion.cache;

import org.quaterion.loss.SimilarityLoss;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.TrainableModel;

/** The cache tests' model: a subclass's encoders under a 6-wide {@link LinearHead}, with the given loss and cache. */
abstract class CacheTestModel extends TrainableModel<float[]> {
    private final CacheConfig<float[]> cache;
    private final SimilarityLoss loss;

    CacheTestModel(CacheConfig<float[]> cache, SimilarityLoss loss) {
        this.cache = cache;
        this.loss = loss;
    }

    @Override
    protected final EncoderHead configureHead(int inputSize) {
        return new LinearHead(inputSize, 6);
    }

    @Override
    protected final SimilarityLoss configureLoss() {
        return loss;
    }

    @Override
    protected final CacheConfig<float[]> configureCaches() {
        return cache;
    }
}
