package org.quaterion.models.encoders;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads encoders of one type name from the directory their {@link Encoder#save} wrote.
 *
 * <p>Register factories explicitly with {@code ModelRegistry.register(...)} or list them in
 * {@code META-INF/services/org.quaterion.models.encoders.EncoderFactory} (they then need a public no-arg
 * constructor).
 */
public interface EncoderFactory {

    /**
     * The type name this factory loads; equals {@link Encoder#typeName()} of the encoders it restores.
     *
     * @return the type name
     */
    String typeName();

    /**
     * Restores an encoder.
     *
     * @param dir the directory {@link Encoder#save} wrote
     * @param context manager, data type and registry
     * @return the encoder, initialized on the context's manager
     * @throws IOException when a file cannot be read
     */
    Encoder<?> load(Path dir, LoadContext context) throws IOException;
}
