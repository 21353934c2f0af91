package org.quaterion.cli;

import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.loss.SimilarityLoss;
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
import org.quaterion.train.optim.GradientOptimizer;

/**
 * The trainable model a {@link TrainConfig} describes: a frozen text encoder (always cached) and a head, or a
 * fine-tuned transformer (not cached) and a head.
 */
final class ConfiguredModel extends TrainableModel<String> {

    private final TrainConfig config;
    private final int numClasses;
    private int headOutput;

    ConfiguredModel(TrainConfig config, int numClasses) {
        this.config = config;
        this.numClasses = numClasses;
    }

    @Override
    protected Map<String, Encoder<String>> configureEncoders() {
        Encoder<String> encoder = switch (config.encoder()) {
            case "minilm-fp32" -> MiniLm.fp32();
            case "transformer" -> config.transformer().encoder();
            case "onnx" -> new OnnxSentenceEncoder(config.onnxModel(), config.onnxTokenizer(), config.onnxDim(),
                    OnnxSentenceEncoder.Pooling.MEAN, true, 128);
            default -> MiniLm.int8();
        };
        return Map.of("text", encoder);
    }

    @Override
    protected org.quaterion.models.Prompts configurePrompts() {
        return config.prompts();
    }

    @Override
    protected EncoderHead configureHead(int inputSize) {
        EncoderHead head = switch (config.head()) {
            case "linear" -> new LinearHead(inputSize, config.headOutput());
            case "gated" -> new GatedHead(inputSize);
            case "widening" -> new WideningHead(inputSize);
            case "normalize" -> new NormalizeHead(inputSize);
            case "empty" -> new EmptyHead(inputSize);
            default -> new SkipConnectionHead(inputSize);
        };
        headOutput = head.outputSize();
        return head;
    }

    @Override
    protected SimilarityLoss configureLoss() {
        com.google.gson.JsonObject settings = config.lossSettings().deepCopy();
        if (TrainConfig.REGISTRY.isLoss(config.loss(), org.quaterion.loss.ClassWeightLoss.class)) {
            settings.addProperty("num_classes", numClasses); // class weights: one row per group of the data
            settings.addProperty("embedding_size", headOutput);
        }
        return RegularizerSettings.build(settings, r -> MatryoshkaSettings.build(r,
                s -> TrainConfig.REGISTRY.loss(config.loss(), s)));
    }

    @Override
    protected org.quaterion.miner.Miner configureMiner() {
        return config.miner() == null ? null : TrainConfig.REGISTRY.miner(config.miner(), config.minerSettings());
    }

    @Override
    protected GradientOptimizer configureOptimizer() {
        GradientOptimizer adam = Adam.of(config.learningRate());
        return config.transformer() == null ? adam : config.transformer().optimizer(adam, "text");
    }

    @Override
    protected CacheConfig<String> configureCaches() {
        if (config.transformer() != null) {
            return null; // a fine-tuned encoder's outputs change every step
        }
        CacheConfig<String> cache = CacheConfig.<String>of(CacheType.AUTO).withBatchSize(256);
        return config.cacheDir() == null ? cache : cache.withSaveDir(config.cacheDir());
    }
}
