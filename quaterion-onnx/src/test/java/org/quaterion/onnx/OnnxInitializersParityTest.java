package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.onnx.transformer.CheckpointWeights;
import org.quaterion.onnx.transformer.WeightTensor;

/**
 * {@link CheckpointWeights} gives MiniLmBlock's weights exactly: the same values as {@link OnnxInitializers}, with
 * the encoder's MatMul weights transposed to PyTorch's {@code (out, in)}. (Delete with OnnxInitializers.)
 */
class OnnxInitializersParityTest {

    @Test
    void checkpointWeightsAreOnnxInitializersInPyTorchLayout(@TempDir Path tmp) throws Exception {
        Path onnx = tmp.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        Map<String, OnnxInitializers.Tensor> old = OnnxInitializers.read(onnx);
        Map<String, WeightTensor> read = CheckpointWeights.read(onnx);

        for (Map.Entry<String, WeightTensor> e : read.entrySet()) {
            OnnxInitializers.Tensor t = old.get(e.getKey());
            float[] expected = t.values();
            long[] shape = t.dims();
            if (e.getKey().startsWith("encoder.") && shape.length == 2) {
                int rows = (int) shape[0];
                int cols = (int) shape[1];
                expected = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        expected[c * rows + r] = t.values()[r * cols + c];
                    }
                }
                shape = new long[] {cols, rows};
            }
            assertArrayEquals(shape, e.getValue().shape(), e.getKey());
            assertArrayEquals(expected, e.getValue().values(), e.getKey());
        }
        assertEquals(6 * 16 + 5, read.size());
    }
}
