package org.quaterion.models.djl;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.djl.nn.Blocks;
import java.nio.file.Path;
import java.util.Map;

/**
 * The block DJL's model loader puts in the {@code Model} of a servable: an identity, because the servable's encoders
 * and head run inside {@link SimilarityTranslatorFactory}'s translator (a servable is a directory of several
 * artifacts, not one engine file). Named by the servable's {@code serving.properties}; not for direct use.
 */
public final class ServableBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** Creates the factory (DJL instantiates it by name). */
    public ServableBlockFactory() {}

    /**
     * Returns an identity block.
     *
     * @param model the model being loaded
     * @param modelPath the servable directory
     * @param arguments the loader's arguments
     * @return the block
     */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        return Blocks.identityBlock();
    }
}
