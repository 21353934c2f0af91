package org.quaterion.models.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/** Runs a DJL block as an encoder: input dtype matching, output shape check, output in the model's dtype. */
final class BlockForward {

    private BlockForward() {}

    /**
     * Forwards a batch through a block.
     *
     * @param block the initialized block
     * @param batch the collated input
     * @param training training mode (already false for frozen encoders)
     * @param modelType the model's floating type the output is cast to
     * @param embeddingSize the expected output width
     * @param who a name for messages
     * @return the {@code (B, embeddingSize)} output
     */
    static NDArray run(Block block, NDList batch, boolean training, DataType modelType, int embeddingSize,
            String who) {
        DataType blockType = parameterType(block, modelType);
        NDList input = new NDList(batch.size());
        for (NDArray a : batch) {
            input.add(a.getDataType().isFloating() && a.getDataType() != blockType ? a.toType(blockType, false) : a);
        }
        ParameterStore ps = new ParameterStore(batch.head().getManager(), false);
        NDList out = block.forward(ps, input, training);
        NDArray emb = out.head();
        Shape shape = emb.getShape();
        long rows = batch.head().getShape().get(0);
        if (shape.dimension() != 2 || shape.get(1) != embeddingSize || shape.get(0) != rows) {
            throw new IllegalArgumentException(who + " produced shape " + shape + " but (" + rows + ", "
                    + embeddingSize + ") was expected: fix the declared embedding size or the block");
        }
        return emb.getDataType() == modelType ? emb : emb.toType(modelType, false);
    }

    /**
     * The floating type of a block's parameters, or {@code fallback} when it has none.
     *
     * @param block the block
     * @param fallback the type to use for a parameter-free block
     * @return the data type
     */
    static DataType parameterType(Block block, DataType fallback) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized() && p.getValue().getArray().getDataType().isFloating()) {
                return p.getValue().getArray().getDataType();
            }
        }
        return fallback;
    }
}
