package org.quaterion.examples.docs;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;

/**
 * The frozen 16 → 16 projection the runnable training snippets train on, registered through {@code ServiceLoader}
 * (test resources), so that their servables load with {@code SimilarityModel.load(dir, float[].class)} as the docs say.
 */
public final class SnippetEncoderFactory implements EncoderFactory {

    /** The encoder's type name. */
    static final String TYPE = "snippet-projection";

    private final EncoderFactory delegate = BlockEncoder.factory(TYPE, SnippetEncoderFactory::block,
            Collators.floatVectors());

    /** Creates the factory (ServiceLoader). */
    public SnippetEncoderFactory() {}

    private static Linear block() {
        return Linear.builder().setUnits(16).build();
    }

    /**
     * A new frozen projection encoder of this type.
     *
     * @return the encoder
     */
    static Encoder<float[]> encoder() {
        return BlockEncoder.<float[]>builder().setTypeName(TYPE).setBlock(block()).setCollator(Collators.floatVectors())
                .setEmbeddingSize(16).optTrainable(false).optInputShapes(new Shape(1, 16)).build();
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
