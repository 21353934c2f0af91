package org.quaterion.examples.docs;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.heads.NormalizeHead;

/** README.md, quick start. */
final class ReadmeQuickStart {

    private ReadmeQuickStart() {}

    static void quickStart(List<float[]> features, List<float[]> requests) throws IOException {
        // snippet-start
        // An encoder around any DJL block: here a frozen projection of 512-d feature vectors.
        BlockEncoder<float[]> encoder = BlockEncoder.<float[]>builder()
                .setTypeName("feature-projection")                 // the name a service registers to load it
                .setBlock(Linear.builder().setUnits(128).optBias(false).build())
                .setCollator(Collators.floatVectors())             // List<float[]> -> (B, 512) NDArray
                .setEmbeddingSize(128).optTrainable(false).optInputShapes(new Shape(1, 512))
                .build();

        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(encoder)
                .setHead(new NormalizeHead(128))                   // or Gated, SkipConnection, StackedProjection, ...
                .build()) {
            float[][] vectors = model.encode(features, 32);
            model.save(Path.of("model"));                         // atomic: temp dir, then rename
        }

        // In the service (quaterion-models + quaterion-runtime-cpu on the class path):
        ModelRegistry registry = ModelRegistry.discover()          // built-in heads + ServiceLoader factories
                .register(BlockEncoder.factory("feature-projection",
                        () -> Linear.builder().setUnits(128).optBias(false).build(), Collators.floatVectors()));
        try (SimilarityModel<float[]> model = SimilarityModel.load(Path.of("model"), registry,
                null, float[].class)) {                            // default device; the records' type is checked
            float[][] vectors = model.encode(requests, 64);        // thread-safe, no gradients, no leaked NDArrays
        }
        // snippet-end
    }
}
