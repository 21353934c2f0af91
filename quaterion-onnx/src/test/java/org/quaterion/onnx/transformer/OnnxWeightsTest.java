package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.onnx.transformer.OnnxWriter.Message;

/**
 * The ONNX reader on hand-built graphs: dynamically quantised weights (per channel for a MatMulInteger, per tensor
 * for a Gather), a QDQ weight behind a DequantizeLinear, plain fp32 MatMul weights and biases, each worked out by
 * hand; and damaged files refused.
 */
class OnnxWeightsTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static Path write(Path tmp, byte[] model) throws Exception {
        Path file = tmp.resolve("model.onnx");
        Files.write(file, model);
        return file;
    }

    /** A graph with one weight of each kind the reader handles. */
    static byte[] quantisedGraph() {
        List<Message> nodes = List.of(
                OnnxWriter.node("MatMulInteger", "/encoder/layer.0/attention/self/query/MatMul_quant",
                        List.of("x_q", "onnx::MatMul_7_quantized", "x_zp", "onnx::MatMul_7_zero_point"),
                        List.of("q_out")),
                OnnxWriter.node("Mul", "/encoder/layer.0/attention/self/query/MatMul_quant_scales_mul",
                        List.of("x_scale", "onnx::MatMul_7_scale"), List.of("scales")),
                OnnxWriter.node("Gather", "/embeddings/word_embeddings/Gather",
                        List.of("embeddings.word_embeddings.weight_quantized", "input_ids"), List.of("g_q")),
                OnnxWriter.node("DequantizeLinear", "/embeddings/word_embeddings/Gather_output_0_DequantizeLinear",
                        List.of("g_q", "embeddings.word_embeddings.weight_scale",
                                "embeddings.word_embeddings.weight_zero_point"), List.of("g")),
                OnnxWriter.node("DequantizeLinear", "onnx::MatMul_11_DequantizeLinear",
                        List.of("onnx::MatMul_11_quantized", "onnx::MatMul_11_scale", "onnx::MatMul_11_zero_point"),
                        List.of("w11"), "axis", 1),
                OnnxWriter.node("MatMul", "/encoder/layer.0/intermediate/dense/MatMul", List.of("h", "w11"),
                        List.of("i_out")),
                OnnxWriter.node("MatMul", "/encoder/layer.0/output/dense/MatMul", List.of("h2", "onnx::MatMul_9"),
                        List.of("o_out")),
                OnnxWriter.node("Add", "/encoder/layer.0/attention/self/query/Add",
                        List.of("encoder.layer.0.attention.self.query.bias", "q_out"), List.of("q")),
                OnnxWriter.node("Gemm", "/pooler/dense/Gemm", List.of("cls", "pooler.dense.weight",
                        "pooler.dense.bias"), List.of("pooled"), "transB", 1));
        List<Message> initializers = List.of(
                // (in, out) = (2, 3), per output column: scale [0.5, 0.25, 2], zero point [1, 0, -1]
                OnnxWriter.raw("onnx::MatMul_7_quantized", OnnxWriter.INT8, new long[] {2, 3},
                        bytes(1, -2, 3, 4, 5, -6)),
                OnnxWriter.floats("onnx::MatMul_7_scale", new long[] {3}, 0.5f, 0.25f, 2f),
                OnnxWriter.int32Data("onnx::MatMul_7_zero_point", OnnxWriter.INT8, new long[] {3}, 1, 0, -1),
                // uint8, per tensor: scale 0.5, zero point 128
                OnnxWriter.raw("embeddings.word_embeddings.weight_quantized", OnnxWriter.UINT8, new long[] {2, 2},
                        bytes(0, 128, 255, 130)),
                OnnxWriter.raw("embeddings.word_embeddings.weight_scale", OnnxWriter.FLOAT, new long[0],
                        floatBytes(0.5f)),
                OnnxWriter.int32Data("embeddings.word_embeddings.weight_zero_point", OnnxWriter.UINT8, new long[0],
                        128),
                // QDQ, (in, out) = (2, 2), axis 1: scale [0.5, 0.25], zero point [0, 2]
                OnnxWriter.raw("onnx::MatMul_11_quantized", OnnxWriter.INT8, new long[] {2, 2}, bytes(2, 4, -2, 8)),
                OnnxWriter.floats("onnx::MatMul_11_scale", new long[] {2}, 0.5f, 0.25f),
                OnnxWriter.raw("onnx::MatMul_11_zero_point", OnnxWriter.INT8, new long[] {2}, bytes(0, 2)),
                OnnxWriter.raw("onnx::MatMul_9", OnnxWriter.FLOAT, new long[] {2, 3}, floatBytes(1, 2, 3, 4, 5, 6)),
                OnnxWriter.floats("encoder.layer.0.attention.self.query.bias", new long[] {3}, 0.1f, 0.2f, 0.3f),
                OnnxWriter.raw("pooler.dense.weight", OnnxWriter.FLOAT, new long[] {2, 2}, floatBytes(1, 2, 3, 4)),
                OnnxWriter.raw("pooler.dense.bias", OnnxWriter.FLOAT, new long[] {2}, floatBytes(5, 6)),
                OnnxWriter.raw("embeddings.position_ids", OnnxWriter.INT64, new long[] {1, 2}, new byte[16]));
        return OnnxWriter.model(nodes, initializers);
    }

    @Test
    void quantisedAndFp32WeightsAreReadInPyTorchLayoutUnderTheirHuggingFaceNames(@TempDir Path tmp)
            throws Exception {
        Map<String, WeightTensor> w = OnnxWeights.read(write(tmp, quantisedGraph()));

        assertEquals(Set.of("encoder.layer.0.attention.self.query.weight", "embeddings.word_embeddings.weight",
                "encoder.layer.0.intermediate.dense.weight", "encoder.layer.0.output.dense.weight",
                "encoder.layer.0.attention.self.query.bias", "pooler.dense.weight", "pooler.dense.bias"), w.keySet());
        // (q - zp) * scale by column: [[0, -0.5, 8], [1.5, 1.25, -10]], transposed to (out, in)
        WeightTensor query = w.get("encoder.layer.0.attention.self.query.weight");
        assertArrayEquals(new long[] {3, 2}, query.shape());
        assertArrayEquals(new float[] {0, 1.5f, -0.5f, 1.25f, 8, -10}, query.values());
        // (q - 128) * 0.5, a Gather's table: not transposed
        WeightTensor words = w.get("embeddings.word_embeddings.weight");
        assertArrayEquals(new long[] {2, 2}, words.shape());
        assertArrayEquals(new float[] {-64, 0, 63.5f, 1}, words.values());
        // axis 1: [[(2-0)*0.5, (4-2)*0.25], [(-2-0)*0.5, (8-2)*0.25]] = [[1, 0.5], [-1, 1.5]], transposed
        assertArrayEquals(new float[] {1, -1, 0.5f, 1.5f}, w.get("encoder.layer.0.intermediate.dense.weight")
                .values());
        WeightTensor output = w.get("encoder.layer.0.output.dense.weight");
        assertArrayEquals(new long[] {3, 2}, output.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, output.values());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, w.get("encoder.layer.0.attention.self.query.bias")
                .values());
        // Gemm with transB = 1 already holds (out, in)
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.get("pooler.dense.weight").values());
    }

    @Test
    void aTruncatedModelIsRefusedAsCorrupt(@TempDir Path tmp) throws Exception {
        byte[] model = quantisedGraph();
        Path file = write(tmp, Arrays.copyOf(model, model.length / 2));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxWeights.read(file));

        assertInstanceOf(CorruptArtifactException.class, e);
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("cannot be parsed as "
                + "an ONNX model") && e.getMessage().endsWith("it is truncated, damaged or not an ONNX model"),
                e.getMessage());
    }

    @Test
    void aFileWithoutAGraphIsRefused(@TempDir Path tmp) throws Exception {
        Path file = write(tmp, new Message().varint(1, 8).bytes());

        assertTrue(assertThrows(CorruptArtifactException.class, () -> OnnxWeights.read(file)).getMessage()
                .endsWith("has no ONNX graph: it is not an ONNX model"));
    }

    @Test
    void rawDataThatDoesNotFillTheShapeIsRefusedNamingTheInitializer(@TempDir Path tmp) throws Exception {
        Path file = write(tmp, OnnxWriter.model(List.of(), List.of(
                OnnxWriter.raw("w", OnnxWriter.FLOAT, new long[] {3}, floatBytes(1, 2)))));
        Path huge = tmp.resolve("huge.onnx");
        Files.write(huge, OnnxWriter.model(List.of(), List.of(
                OnnxWriter.raw("w", OnnxWriter.FLOAT, new long[] {1L << 40, 1L << 40}, floatBytes(1, 2)))));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxWeights.read(file));
        ModelFormatException h = assertThrows(ModelFormatException.class, () -> OnnxWeights.read(huge));

        assertTrue(e.getMessage().contains("initializer 'w' of shape [3] needs 12 bytes, its raw data holds 8"),
                e.getMessage());
        assertTrue(h.getMessage().contains("initializer 'w' declares shape [1099511627776, 1099511627776], more "
                + "values than the file can hold"), h.getMessage());
    }

    @Test
    void weightsInAnExternalFileAreRefusedWithTheFix(@TempDir Path tmp) throws Exception {
        Message external = OnnxWriter.raw("w", OnnxWriter.FLOAT, new long[] {1}, new byte[0]).varint(14, 1);
        Path file = write(tmp, OnnxWriter.model(List.of(), List.of(external)));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxWeights.read(file));

        assertTrue(e.getMessage().contains("keeps initializer 'w' in an external data file, which is not read"),
                e.getMessage());
    }

    @Test
    void perChannelScalesWithNoAxisToTellAreRefused(@TempDir Path tmp) throws Exception {
        Path file = write(tmp, OnnxWriter.model(List.of(), List.of(
                OnnxWriter.raw("w_quantized", OnnxWriter.INT8, new long[] {2, 2}, bytes(1, 2, 3, 4)),
                OnnxWriter.floats("w_scale", new long[] {2}, 1, 1),
                OnnxWriter.int32Data("w_zero_point", OnnxWriter.INT8, new long[] {2}, 0, 0))));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxWeights.read(file));

        assertTrue(e.getMessage().contains("initializer 'w' of shape [2, 2] has 2 scales, which fit no axis this "
                + "reader can tell (no channel axis known)"), e.getMessage());
    }
}
