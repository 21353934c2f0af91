package org.quaterion.spark;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.heads.EmptyHead;

/** A small frozen MLP encoder over float vectors (registered through ServiceLoader, so saved models reload). */
public final class MlpEncoders implements EncoderFactory {

    /** The encoder type name. */
    static final String TYPE = "spark-test-mlp";

    private final EncoderFactory delegate = BlockEncoder.factory(TYPE, MlpEncoders::block, Collators.floatVectors());

    static Block block() {
        return new SequentialBlock().add(Linear.builder().setUnits(64).build()).add(Activation::tanh)
                .add(Linear.builder().setUnits(MlpEncoders.OUT).build());
    }

    static final int OUT = 64;

    /**
     * Saves a model with one frozen, randomly initialised MLP encoder named {@code vec}.
     *
     * @param dir where
     * @param inputDim the vector width
     * @throws IOException when saving fails
     */
    static void save(Path dir, int inputDim) throws IOException {
        Encoder<float[]> encoder = BlockEncoder.<float[]>builder().setTypeName(TYPE).setBlock(block())
                .setCollator(Collators.floatVectors()).setEmbeddingSize(OUT).optTrainable(false)
                .optInputShapes(new Shape(1, inputDim)).build();
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().addEncoder("vec", encoder)
                .setHead(new EmptyHead(OUT)).build()) {
            model.save(dir);
        }
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public Encoder<?> load(Path dir, LoadContext context) throws IOException {
        return delegate.load(dir, context);
    }
}
