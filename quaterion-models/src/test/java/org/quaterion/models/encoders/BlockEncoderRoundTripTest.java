package org.quaterion.models.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.heads.NormalizeHead;

/** A saved {@link BlockEncoder} loads back into a fresh block of the same architecture, bare or nested. */
class BlockEncoderRoundTripTest {

    private static final List<float[]> RECORDS = TestModels.rows(5, 24, 7);

    private static Block bareLinear() {
        return Linear.builder().setUnits(8).optBias(false).build();
    }

    private static Block bareLinearWithBias() {
        return Linear.builder().setUnits(8).build();
    }

    private static Block nested() {
        return new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(8).build());
    }

    @Test
    void aBareLinearBlockRoundTrips(@TempDir Path tmp) throws IOException {
        roundTrip(tmp, BlockEncoderRoundTripTest::bareLinear);
    }

    @Test
    void aBareLinearBlockWithBiasRoundTrips(@TempDir Path tmp) throws IOException {
        roundTrip(tmp, BlockEncoderRoundTripTest::bareLinearWithBias);
    }

    @Test
    void aNestedBlockRoundTrips(@TempDir Path tmp) throws IOException {
        roundTrip(tmp, BlockEncoderRoundTripTest::nested);
    }

    private static void roundTrip(Path tmp, Supplier<Block> architecture) throws IOException {
        Path dir = tmp.resolve("model");
        float[][] before;
        BlockEncoder<float[]> encoder = BlockEncoder.<float[]>builder().setTypeName("projection")
                .setBlock(architecture.get()).setCollator(Collators.floatVectors()).setEmbeddingSize(8)
                .optTrainable(false).optInputShapes(new Shape(1, 24)).build();
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(encoder)
                .setHead(new NormalizeHead(8)).build()) {
            before = model.encode(RECORDS, 2);
            model.save(dir);
        }
        ModelRegistry registry = ModelRegistry.discover()
                .register(BlockEncoder.factory("projection", architecture, Collators.floatVectors()));
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(dir, registry, null, float[].class)) {
            float[][] after = loaded.encode(RECORDS, 2);
            assertEquals(before.length, after.length);
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], after[i], 0f, "row " + i);
            }
        }
    }
}
