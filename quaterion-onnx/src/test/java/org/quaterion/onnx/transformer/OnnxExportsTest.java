package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX reader on real exports: all-MiniLM-L6-v2 in fp32 and int8, and intfloat/e5-small-v2 in int8 (a 12-layer
 * BERT), each giving every BERT weight in PyTorch layout; the int8 weights dequantise to within the quantisation
 * step of the fp32 ones, and the fp32 weights are those of the export, transposed where a MatMul stores them
 * {@code (in, out)}.
 */
class OnnxExportsTest {

    @TempDir
    static Path dir;

    private static Map<String, WeightTensor> minilm;
    private static Map<String, WeightTensor> minilmInt8;

    static Path resource(String name) throws IOException {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            try (InputStream in = OnnxExportsTest.class.getResourceAsStream("/" + name)) {
                assertTrue(in != null, name + " is on the test classpath");
                Files.copy(in, target);
            }
        }
        return target;
    }

    @BeforeAll
    static void read() throws IOException {
        minilm = CheckpointWeights.read(resource("all-minilm-l6-v2.onnx"));
        minilmInt8 = CheckpointWeights.read(resource("all-minilm-l6-v2-q.onnx"));
    }

    private static void assertBert(Map<String, WeightTensor> weights, Map<String, long[]> expected) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(weights.keySet()));
        expected.forEach((name, shape) -> assertArrayEquals(shape, weights.get(name).shape(), name));
    }

    @Test
    void everyWeightOfMiniLmIsReadFromBothExportsWithItsPyTorchShape() {
        Map<String, long[]> expected = TinyBert.shapes(30522, 384, 6, 1536, 512, 2);
        assertEquals(6 * 16 + 5, expected.size());
        assertBert(minilm, expected);
        assertBert(minilmInt8, expected);
    }

    @Test
    void theInt8MiniLmDequantisesToWithinItsQuantisationStepOfTheFp32One() {
        double worstAbsolute = 0;
        double worstLinear = 0; // |error| over the output channel's largest |weight| / 127
        double worstEmbedding = 0; // |error| over the tensor's range / 255
        for (Map.Entry<String, WeightTensor> e : minilm.entrySet()) {
            String name = e.getKey();
            float[] fp32 = e.getValue().values();
            float[] int8 = minilmInt8.get(name).values();
            long[] shape = e.getValue().shape();
            if (name.startsWith("encoder.") && name.endsWith(".weight") && shape.length == 2) {
                int cols = (int) shape[1];
                for (int r = 0; r < shape[0]; r++) {
                    double largest = 0;
                    double error = 0;
                    for (int c = r * cols; c < (r + 1) * cols; c++) {
                        largest = Math.max(largest, Math.abs(fp32[c]));
                        error = Math.max(error, Math.abs(fp32[c] - int8[c]));
                    }
                    worstLinear = Math.max(worstLinear, error / (largest / 127));
                    worstAbsolute = Math.max(worstAbsolute, error);
                }
            } else if (name.startsWith("embeddings.") && shape.length == 2) {
                double min = 0;
                double max = 0;
                double error = 0;
                for (int i = 0; i < fp32.length; i++) {
                    min = Math.min(min, fp32[i]);
                    max = Math.max(max, fp32[i]);
                    error = Math.max(error, Math.abs(fp32[i] - int8[i]));
                }
                worstEmbedding = Math.max(worstEmbedding, error / ((max - min) / 255));
                worstAbsolute = Math.max(worstAbsolute, error);
            } else {
                assertArrayEquals(fp32, int8, name + " is not quantised");
            }
        }
        System.out.printf("int8 vs fp32 MiniLM: max |difference| %.5f; linear weights: %.4f of max|row|/127; "
                + "embeddings: %.4f of range/255%n", worstAbsolute, worstLinear, worstEmbedding);
        // measured: 0.0617 absolute (a row of large weights), 0.992 of max|row|/127 for the per-channel linear
        // weights and 0.902 of range/255 for the per-tensor embeddings (7-bit quantisation: half a step of twice
        // those); a wrong channel axis would give tens of steps
        assertTrue(worstLinear <= 1.0, "per output channel, within max|row|/127: " + worstLinear);
        assertTrue(worstEmbedding <= 1.0, "per tensor, within range/255: " + worstEmbedding);
        assertTrue(worstAbsolute < 0.07, "max |int8 - fp32| = " + worstAbsolute);
    }

    @Test
    void everyWeightOfTheInt8E5SmallIsReadWithItsPyTorchShape() throws IOException {
        Map<String, WeightTensor> e5 = CheckpointWeights.read(resource("e5-small-v2-q.onnx"));

        Map<String, long[]> expected = TinyBert.shapes(30522, 384, 12, 1536, 512, 2);
        assertEquals(12 * 16 + 5, expected.size());
        assertBert(e5, expected);
    }
}
