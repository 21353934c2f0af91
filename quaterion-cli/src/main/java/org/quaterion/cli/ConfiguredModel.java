package org.quaterion.cli;

import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.distance.Distance;
import org.quaterion.loss.MultiSimilarityLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.pair.CoSENTLoss;
import org.quaterion.loss.pair.ContrastiveLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.WideningHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.Optimizer;

/** The trainable model a {@link TrainConfig} describes: a frozen text encoder (always cached) and a head. */
final class ConfiguredModel extends TrainableModel<String> {

    private final TrainConfig config;

    ConfiguredModel(TrainConfig config) {
        this.config = config;
    }

    @Override
    protected Map<String, Encoder<String>> configureEncoders() {
        Encoder<String> encoder = switch (config.encoder()) {
            case "minilm-fp32" -> MiniLm.fp32();
            case "onnx" -> new OnnxSentenceEncoder(config.onnxModel(), config.onnxTokenizer(), config.onnxDim(),
                    OnnxSentenceEncoder.Pooling.MEAN, true, 128);
            default -> MiniLm.int8();
        };
        return Map.of("text", encoder);
    }

    @Override
    protected EncoderHead configureHead(int inputSize) {
        return switch (config.head()) {
            case "linear" -> new LinearHead(inputSize, config.headOutput());
            case "gated" -> new GatedHead(inputSize);
            case "widening" -> new WideningHead(inputSize);
            case "normalize" -> new NormalizeHead(inputSize);
            case "empty" -> new EmptyHead(inputSize);
            default -> new SkipConnectionHead(inputSize);
        };
    }

    @Override
    protected SimilarityLoss configureLoss() {
        return switch (config.loss()) {
            case "contrastive" -> new ContrastiveLoss(Distance.cosine(), config.lossScale(), true);
            case "cosent" -> new CoSENTLoss(config.lossScale(), Distance.cosine());
            case "triplet" -> new TripletLoss(config.lossScale(), Distance.cosine().scaled(0.5),
                    TripletLoss.Mining.HARD, false);
            case "multi_similarity" -> new MultiSimilarityLoss();
            default -> new MultipleNegativesRankingLoss(config.lossScale(), Distance.cosine(), config.symmetric());
        };
    }

    @Override
    protected Optimizer configureOptimizer() {
        return Adam.of(config.learningRate());
    }

    @Override
    protected CacheConfig<String> configureCaches() {
        CacheConfig<String> cache = CacheConfig.<String>of(CacheType.AUTO).withBatchSize(256);
        return config.cacheDir() == null ? cache : cache.withSaveDir(config.cacheDir());
    }
}
