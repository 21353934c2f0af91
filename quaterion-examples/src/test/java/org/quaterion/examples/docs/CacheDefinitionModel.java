package org.quaterion.examples.docs;

import java.nio.file.Path;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.train.TrainableModel;

/** docs/cache.md. */
final class CacheDefinitionModel {

    private CacheDefinitionModel() {}

    static void declare() {
        // snippet-start
        class DefinitionModel extends TrainableModel<String> {
            @Override protected Map<String, Encoder<String>> configureEncoders() { return Map.of("minilm", MiniLm.int8()); }
            @Override protected EncoderHead configureHead(int inputSize) { return new SkipConnectionHead(inputSize); }
            @Override protected SimilarityLoss configureLoss() { return new MultipleNegativesRankingLoss(); }
            @Override protected CacheConfig<String> configureCaches() {
                return CacheConfig.<String>of(CacheType.AUTO).withBatchSize(256).withSaveDir(Path.of("cache/defs"));
            }
        }
        // snippet-end
    }
}
