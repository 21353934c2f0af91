package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.ModelProto;
import org.quaterion.onnx.proto.Onnx.OperatorSetIdProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;

/**
 * The pooling graph on ONNX Runtime equals {@link Pooling#pool} (and the normalisation) on the same states, with right
 * and left padding.
 */
class PoolingGraphTest {

    private static final float[] STATES = {1, 2, 3, 4, 5, 6, -1, 2, 3, -4, 5, 6, 0.5f, 0, 0, 7, -3, 1};
    private static final long[] MASK = {1, 1, 0, 0, 1, 1, 1, 1, 1}; // right, left, no padding

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void poolsAndNormalisesAsTheBlockDoes(Pooling pooling) throws Exception {
        for (boolean normalize : new boolean[] {false, true}) {
            float[] expected;
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray pooled = pooling.pool(m.create(STATES, new Shape(3, 3, 2)), m.create(MASK, new Shape(3, 3)));
                expected = (normalize ? pooled.normalize(2, 1, 1e-12) : pooled).toFloatArray();
            }
            GraphProto.Builder graph = GraphProto.newBuilder().setName("pooling")
                    .addInput(GraphOps.tensor("states", TensorProto.DataType.FLOAT_VALUE, "batch", "sequence", 2))
                    .addInput(GraphOps.tensor("mask", TensorProto.DataType.INT64_VALUE, "batch", "sequence"));
            String out = PoolingGraph.append(graph, "pooling/", pooling, normalize, "states", "mask");
            graph.addOutput(GraphOps.tensor(out, TensorProto.DataType.FLOAT_VALUE, "batch", 2));
            byte[] model = ModelProto.newBuilder().setIrVersion(TransformerGraph.IR_VERSION).addOpsetImport(
                    OperatorSetIdProto.newBuilder().setVersion(TransformerGraph.OPSET)).setGraph(graph).build()
                    .toByteArray();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                    OnnxTensor states = OnnxTensor.createTensor(env, FloatBuffer.wrap(STATES), new long[] {3, 3, 2});
                    OnnxTensor mask = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(MASK), new long[] {3, 3});
                    OrtSession.Result result = session.run(Map.of("states", states, "mask", mask))) {
                float[][] actual = (float[][]) result.get(0).getValue();
                float[] flat = new float[6];
                for (int i = 0; i < 3; i++) {
                    System.arraycopy(actual[i], 0, flat, 2 * i, 2);
                }
                assertArrayEquals(expected, flat, 1e-6f, pooling + (normalize ? ", normalised" : ""));
            }
        }
    }
}
