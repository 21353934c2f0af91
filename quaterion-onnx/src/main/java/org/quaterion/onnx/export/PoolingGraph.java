package org.quaterion.onnx.export;

import java.util.List;
import org.quaterion.onnx.OnnxSentenceEncoder;
import org.quaterion.onnx.transformer.Pooling;

/**
 * The ops that turn an encoder's token states into its sentence embedding, as {@link OnnxSentenceEncoder} and
 * {@link org.quaterion.onnx.TrainableTransformer} compute it: the mean of the states under the attention mask (or the
 * first token's state, or the last unmasked token's), then optionally {@code x / max(‖x‖₂, 1e-12)}. Mean and CLS
 * pooling and the normalisation are built only from ops whose form has not changed since opset 9 (MatMul, Reshape,
 * Cast, Gather, Max, Div, Sqrt), so an ONNX encoder's own opset serves; last-token pooling needs opset 11.
 */
final class PoolingGraph {

    /** The epsilon of the L2 normalisation, as the encoder and NormalizeHead use it. */
    static final float NORM_EPS = 1e-12f;
    /** The floor of the token count in mean pooling, as the encoder uses it. */
    private static final float COUNT_FLOOR = 1e-9f;

    private PoolingGraph() {}

    /**
     * Appends the pooling.
     *
     * @param g the graph
     * @param states the token states {@code (B, L, H)}
     * @param maskColumn the attention mask as float32 {@code (B, L, 1)}
     * @param pooling mean, CLS or last token ({@link Pooling#pool})
     * @return the pooled {@code (B, H)} tensor
     */
    static String pool(GraphBuilder g, String states, String maskColumn, Pooling pooling) {
        if (pooling == Pooling.CLS) {
            String first = g.longs("first_token", new long[] {0});
            return g.op("Gather", List.of(states, first), GraphBuilder.intAttr("axis", 1));
        }
        if (pooling == Pooling.LAST) {
            return last(g, states, maskColumn);
        }
        String maskRow = g.op("Reshape", List.of(maskColumn, g.shape(0, 1, -1))); // (B, 1, L)
        String sum = g.op("MatMul", List.of(maskRow, states)); // (B, 1, H): the masked sum over tokens
        String count = g.op("MatMul", List.of(maskRow, maskColumn)); // (B, 1, 1): the mask is 0 or 1
        String floor = g.op("Max", List.of(count, g.scalar("count_floor", COUNT_FLOOR)));
        String mean = g.op("Div", List.of(sum, floor));
        return g.op("Reshape", List.of(mean, g.shape(0, -1)));
    }

    /**
     * The state of the last position whose mask is 1, with right or left padding: a one-hot row over the positions
     * (Range and ArgMax: opset 11) times the states.
     */
    private static String last(GraphBuilder g, String states, String maskColumn) {
        String length = g.op("Gather", List.of(g.op("Shape", List.of(maskColumn)), g.longs("sequence_axis",
                new long[] {1})), GraphBuilder.intAttr("axis", 0));
        String positions = g.op("Cast", List.of(g.op("Range", List.of(g.longs("zero", new long[] {0}), length,
                g.longs("step", new long[] {1})))), GraphBuilder.intAttr("to", GraphBuilder.FLOAT));
        String column = g.op("Reshape", List.of(positions, g.shape(1, -1, 1))); // (1, L, 1)
        String last = g.op("ArgMax", List.of(g.op("Mul", List.of(maskColumn, column))), GraphBuilder.intAttr("axis",
                1), GraphBuilder.intAttr("keepdims", 1)); // (B, 1, 1)
        String pick = g.op("Cast", List.of(g.op("Equal", List.of(column, g.op("Cast", List.of(last),
                GraphBuilder.intAttr("to", GraphBuilder.FLOAT))))), GraphBuilder.intAttr("to", GraphBuilder.FLOAT));
        String row = g.op("Reshape", List.of(pick, g.shape(0, 1, -1))); // (B, 1, L)
        return g.op("Reshape", List.of(g.op("MatMul", List.of(row, states)), g.shape(0, -1)));
    }

    /**
     * Appends {@code x / max(‖x‖₂, 1e-12)} over the last axis of a {@code (B, width)} tensor.
     *
     * @param g the graph
     * @param x the tensor
     * @param width its second dimension
     * @return the normalised tensor
     */
    static String normalize(GraphBuilder g, String x, int width) {
        float[] ones = new float[width];
        java.util.Arrays.fill(ones, 1f);
        String squares = g.op("Mul", List.of(x, x));
        String sum = g.op("MatMul", List.of(squares, g.floats("ones", ones, width, 1))); // (B, 1)
        String norm = g.op("Max", List.of(g.op("Sqrt", List.of(sum)), g.scalar("norm_eps", NORM_EPS)));
        return g.op("Div", List.of(x, norm));
    }
}
