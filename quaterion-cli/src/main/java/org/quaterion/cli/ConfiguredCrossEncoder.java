package org.quaterion.cli;

import ai.djl.util.Pair;
import java.util.Map;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.onnx.CrossEncoder;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * The cross-encoder a {@link TrainConfig} describes ({@code model.encoder: cross-encoder}): its transformer over
 * (query, document) pairs, a fresh scoring head of {@code model.output_size} labels, and a score loss.
 */
final class ConfiguredCrossEncoder extends TrainableModel<Pair<String, String>> {

    /** The encoder's name in the model (and its parameters' prefix). */
    static final String ENCODER = "cross";

    private final TrainConfig config;

    ConfiguredCrossEncoder(TrainConfig config) {
        this.config = config;
    }

    @Override
    protected Map<String, Encoder<Pair<String, String>>> configureEncoders() {
        return Map.of(ENCODER, CrossEncoder.of(config.transformer().builder()));
    }

    @Override
    protected EncoderHead configureHead(int inputSize) {
        return CrossEncoder.scoringHead(inputSize, config.headOutput());
    }

    @Override
    protected SimilarityLoss configureLoss() {
        return TrainConfig.REGISTRY.loss(config.loss(), config.lossSettings());
    }

    @Override
    protected GradientOptimizer configureOptimizer() {
        return config.transformer().optimizer(Adam.of(config.learningRate()), ENCODER);
    }
}
