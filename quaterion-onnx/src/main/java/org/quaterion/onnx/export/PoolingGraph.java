package org.quaterion.onnx.export;

import java.util.List;
import org.quaterion.onnx.OnnxSentenceEncoder;

/**
 * The ops that turn an encoder's token states into its sentence embedding, as {@link OnnxSentenceEncoder} computes
 * it: the mean of the states under the attention mask (or the first token's state), then optionally
 * {@code x / max(‖x‖₂, 1e-12)}. Built only from ops whose form has not changed since opset 9 (MatMul, Reshape,
 * Cast, Gather, Max, Div, Sqrt), so the encoder's own opset serves.
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
     * @param pooling MEAN or CLS
     * @return the pooled {@code (B, H)} tensor
     */
    static String pool(GraphBuilder g, String states, String maskColumn, OnnxSentenceEncoder.Pooling pooling) {
        if (pooling == OnnxSentenceEncoder.Pooling.CLS) {
            String first = g.longs("first_token", new long[] {0});
            return g.op("Gather", List.of(states, first), GraphBuilder.intAttr("axis", 1));
        }
        String maskRow = g.op("Reshape", List.of(maskColumn, g.shape(0, 1, -1))); // (B, 1, L)
        String sum = g.op("MatMul", List.of(maskRow, states)); // (B, 1, H): the masked sum over tokens
        String count = g.op("MatMul", List.of(maskRow, maskColumn)); // (B, 1, 1): the mask is 0 or 1
        String floor = g.op("Max", List.of(count, g.scalar("count_floor", COUNT_FLOOR)));
        String mean = g.op("Div", List.of(sum, floor));
        return g.op("Reshape", List.of(mean, g.shape(0, -1)));
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
