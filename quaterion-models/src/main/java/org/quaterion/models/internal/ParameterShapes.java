package org.quaterion.models.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quaterion.models.io.ModelFormatException;

/**
 * Checks loaded parameters against the shapes their declared architecture gives, so that a weight file that
 * disagrees with its config (possible when checksums were rewritten by hand) is refused at load instead of giving
 * misaligned rows.
 */
public final class ParameterShapes {

    private ParameterShapes() {}

    /**
     * Compares every parameter of {@code loaded} with the one of the same name in {@code declared} after
     * initialising the latter on a scratch manager.
     *
     * @param file the weight file, for the message
     * @param loaded the block with the loaded parameters
     * @param declared a fresh block built from the same config
     * @param dataType the parameters' data type
     * @param inputShapes the block's input shapes
     * @throws ModelFormatException when a name or shape differs
     */
    public static void check(Path file, Block loaded, Block declared, DataType dataType, Shape... inputShapes) {
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
            declared.initialize(scratch, dataType, inputShapes);
            Map<String, Shape> expected = new LinkedHashMap<>();
            declared.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
            Map<String, Shape> actual = new LinkedHashMap<>();
            loaded.getParameters().forEach(p -> actual.put(p.getKey(),
                    p.getValue().isInitialized() ? p.getValue().getArray().getShape() : null));
            if (!expected.equals(actual)) {
                throw new ModelFormatException(file, "holds parameters " + actual + " but the architecture declared "
                        + "in its config needs " + expected + "; the files do not belong together: save the model "
                        + "again");
            }
        }
    }
}
