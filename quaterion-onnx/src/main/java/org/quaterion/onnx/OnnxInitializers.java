package org.quaterion.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.quaterion.onnx.transformer.CheckpointWeights;
import org.quaterion.onnx.transformer.WeightTensor;

/**
 * The weights of an ONNX export of a BERT-family encoder in PyTorch's layout, as {@link CheckpointWeights} reads them:
 * fp32, or int8 with its quantised weights dequantised; MatMul weights transposed to {@code (out, in)} and named
 * after their nodes.
 */
final class OnnxInitializers {

    private OnnxInitializers() {}

    /**
     * Reads the weights.
     *
     * @param file the {@code .onnx} file
     * @return Hugging Face weight name to weight
     * @throws IOException when the file cannot be read
     */
    static Map<String, WeightTensor> weights(Path file) throws IOException {
        return CheckpointWeights.read(file);
    }
}
