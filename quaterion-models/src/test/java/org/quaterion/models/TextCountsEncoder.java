package org.quaterion.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collator;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;

/**
 * A frozen text encoder for tests: a text's character codes counted into {@value #SIZE} buckets ({@code code % 8}),
 * so any prefix changes the embedding. Registered through META-INF/services, so plain DJL loads its servables.
 */
public final class TextCountsEncoder {

    /** The embedding width. */
    public static final int SIZE = 8;
    /** The type name. */
    public static final String TYPE = "test-text-counts";

    private static final Collator<String> COUNTS = (records, manager) -> {
        float[] flat = new float[records.size() * SIZE];
        for (int i = 0; i < records.size(); i++) {
            String text = records.get(i);
            for (int c = 0; c < text.length(); c++) {
                flat[i * SIZE + text.charAt(c) % SIZE] += 1;
            }
        }
        return new NDList(manager.create(flat, new Shape(records.size(), SIZE)));
    };

    private TextCountsEncoder() {}

    /**
     * A new encoder.
     *
     * @return the frozen encoder
     */
    public static Encoder<String> create() {
        return BlockEncoder.<String>builder().setTypeName(TYPE).setBlock(identity()).setCollator(COUNTS)
                .setEmbeddingSize(SIZE).optInputShapes(new Shape(1, SIZE)).build();
    }

    private static Block identity() {
        return new LambdaBlock(list -> list, "identity");
    }

    /** Loads saved encoders of {@link #TYPE}. */
    public static final class Factory implements EncoderFactory {
        private final EncoderFactory delegate = BlockEncoder.factory(TYPE, TextCountsEncoder::identity, COUNTS);

        /** Creates the factory (the service loader does). */
        public Factory() {}

        @Override
        public String typeName() {
            return TYPE;
        }

        @Override
        public Encoder<?> load(Path dir, LoadContext context) throws IOException {
            return delegate.load(dir, context);
        }
    }
}
