package org.quaterion.onnx.transformer;

import static org.quaterion.onnx.transformer.GraphOps.attr;
import static org.quaterion.onnx.transformer.GraphOps.ints;

import java.util.List;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;

/**
 * Writes a sentence encoder's pooling ({@link Pooling#pool}) and L2 normalisation ({@code x / max(||x||, 1e-12)}, as
 * {@code torch.nn.functional.normalize}) as ONNX operators (operator set 17): what turns a transformer's token states
 * into the sentence embedding, for a graph built from a {@link TransformerBlock} and for an ONNX encoder's own graph
 * alike.
 */
public final class PoolingGraph {

    private PoolingGraph() {}

    /**
     * Adds the nodes that pool token states under the attention mask and, when asked, L2-normalise the result.
     *
     * @param graph the graph
     * @param prefix the prefix of the names of the values and constants added (e.g. {@code "pooling/"}), unique in
     *     the graph
     * @param pooling mean, CLS or last token
     * @param normalize whether to L2-normalise the pooled embedding
     * @param tokenStates the token states {@code (batch, sequence, hidden)}, float32
     * @param attentionMask the attention mask {@code (batch, sequence)}, int64 (1 on tokens, 0 on padding)
     * @return the name of the sentence embeddings {@code (batch, hidden)}
     */
    public static String append(GraphProto.Builder graph, String prefix, Pooling pooling, boolean normalize,
            String tokenStates, String attentionMask) {
        GraphOps g = new GraphOps(graph, prefix);
        String mask = g.op("Cast", "mask_float", List.of(attentionMask), attr("to",
                (long) TensorProto.DataType.FLOAT_VALUE));
        return pool(g, pooling, normalize, tokenStates, mask);
    }

    /** Pools and (optionally) normalises, with the mask already cast to float. */
    static String pool(GraphOps g, Pooling pooling, boolean normalize, String states, String mask) {
        String pooled = pooled(g, pooling, states, mask);
        if (!normalize) {
            return pooled;
        }
        String norm = g.op("ReduceL2", "normalize/norm", List.of(pooled), ints("axes", 1), attr("keepdims", 1L));
        norm = g.op("Max", "normalize/clamped", List.of(norm, g.scalar("normalize/eps", 1e-12f)));
        return g.op("Div", "normalize/out", List.of(pooled, norm));
    }

    /** {@link Pooling#pool} over {@code (B, L, H)} states and the float mask {@code (B, L)}. */
    private static String pooled(GraphOps g, Pooling pooling, String states, String mask) {
        return switch (pooling) {
            case CLS -> g.op("Gather", "pool/cls", List.of(states, g.int64("pool/first", false, 0)), attr("axis", 1L));
            case MEAN -> {
                String m = g.op("Unsqueeze", "pool/mask", List.of(mask, g.int64("pool/feature_axis", true, 2)));
                String axis = g.int64("pool/sequence_axis", true, 1);
                String sum = g.op("ReduceSum", "pool/sum", List.of(g.op("Mul", "pool/masked", List.of(states, m)),
                        axis), attr("keepdims", 0L));
                String count = g.op("Max", "pool/count", List.of(g.op("ReduceSum", "pool/tokens", List.of(m, axis),
                        attr("keepdims", 0L)), g.scalar("pool/min_count", 1e-9f)));
                yield g.op("Div", "pool/mean", List.of(sum, count));
            }
            case LAST -> {
                // the last position whose mask is 1, with right or left padding
                String length = g.op("Cast", "pool/length", List.of(g.op("Gather", "pool/length_int", List.of(g.op(
                        "Shape", "pool/shape", List.of(mask)), g.int64("pool/one", false, 1)), attr("axis", 0L))),
                        attr("to", (long) TensorProto.DataType.FLOAT_VALUE));
                String positions = g.op("Unsqueeze", "pool/positions", List.of(g.op("Range", "pool/range", List.of(
                        g.scalar("pool/zero", 0f), length, g.scalar("pool/step", 1f))), g.int64("pool/batch_axis",
                        true, 0)));
                String last = g.op("ReduceMax", "pool/last", List.of(g.op("Mul", "pool/masked_positions",
                        List.of(mask, positions))), ints("axes", 1), attr("keepdims", 1L));
                String pick = g.op("Unsqueeze", "pool/pick", List.of(g.op("Cast", "pool/pick_float", List.of(g.op(
                        "Equal", "pool/is_last", List.of(positions, last))), attr("to",
                        (long) TensorProto.DataType.FLOAT_VALUE)), g.int64("pool/feature_axis", true, 2)));
                yield g.op("ReduceSum", "pool/last_state", List.of(g.op("Mul", "pool/picked", List.of(states, pick)),
                        g.int64("pool/sequence_axis", true, 1)), attr("keepdims", 0L));
            }
        };
    }
}
