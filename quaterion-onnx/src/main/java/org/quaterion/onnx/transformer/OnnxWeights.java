package org.quaterion.onnx.transformer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.HalfFloats;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.onnx.proto.Onnx.AttributeProto;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.ModelProto;
import org.quaterion.onnx.proto.Onnx.NodeProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;
import org.quaterion.onnx.proto.OnnxFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the weights (graph initializers) of an ONNX export of a transformer in PyTorch's layout, fp32 or int8.
 *
 * <ul>
 *   <li>A weight that a {@code MatMul} (or {@code MatMulInteger}, or {@code Gemm} without {@code transB}) takes as
 *       its second input is stored {@code (in, out)}: it is transposed to a linear layer's {@code (out, in)}.
 *   <li>A weight the exporter renamed {@code onnx::MatMul_N} is named after the node that consumes it:
 *       {@code /encoder/layer.0/attention/self/query/MatMul} gives {@code encoder.layer.0.attention.self.query.weight}.
 *   <li>A dynamically quantised weight (onnxruntime's {@code quantize_dynamic}: {@code X_quantized} in int8 or uint8,
 *       {@code X_scale}, {@code X_zero_point}) is dequantised to {@code (q - zero_point) * scale}, per tensor or per
 *       channel (the columns of a {@code MatMulInteger}'s weight, or a {@code DequantizeLinear}'s axis), and named
 *       {@code X} as in the fp32 export.
 *   <li>float16, bfloat16 and float64 initializers are read as float32; integer ones that are no quantised weight
 *       (position ids, shapes) are left out.
 * </ul>
 */
final class OnnxWeights {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxWeights.class);

    /** ONNX TensorProto data types read here. */
    private static final int FLOAT = 1;
    private static final int UINT8 = 2;
    private static final int INT8 = 3;
    private static final int FLOAT16 = 10;
    private static final int DOUBLE = 11;
    private static final int BFLOAT16 = 16;

    private static final String QUANTIZED = "_quantized";
    private static final String SCALE = "_scale";
    private static final String ZERO_POINT = "_zero_point";
    /** A linear layer's node: {@code /encoder/layer.0/attention/self/query/MatMul} or its quantised form. */
    private static final Pattern LINEAR_NODE = Pattern.compile("^/(.+)/(?:MatMul|Gemm)(?:_quant)?$");

    /** An initializer: its name, data type, shape and the tensor holding its values. */
    private record Initializer(String name, int type, long[] dims, TensorProto tensor) {}

    /** A graph node: what it is, what it reads and writes, its integer attributes. */
    private record Node(String name, String op, List<String> inputs, List<String> outputs, Map<String, Long> ints) {}

    /** How a weight is consumed: the node, and whether the weight is stored {@code (in, out)}. */
    private record Use(Node node, boolean transposed) {}

    private final Path file;
    private final long fileBytes;
    private final Map<String, Initializer> initializers = new LinkedHashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    private OnnxWeights(Path file, long fileBytes) {
        this.file = file;
        this.fileBytes = fileBytes;
    }

    /**
     * Reads the weights of an ONNX file.
     *
     * @param file the {@code .onnx} file
     * @return name to weight, in PyTorch layout, in the file's order
     * @throws IOException when the file cannot be read
     * @throws CorruptArtifactException when the file is no valid ONNX model or a weight does not fit its shape
     * @throws ModelFormatException when its weights lie in external files, or a quantised weight cannot be
     *     dequantised
     */
    static Map<String, WeightTensor> read(Path file) throws IOException {
        ModelProto model = OnnxFiles.read(file);
        if (!model.hasGraph()) {
            throw new CorruptArtifactException(file, "has no ONNX graph: it is not an ONNX model");
        }
        OnnxWeights reader = new OnnxWeights(file, Files.size(file));
        reader.index(model.getGraph());
        return reader.weights();
    }

    private void index(GraphProto graph) {
        for (TensorProto t : graph.getInitializerList()) {
            Initializer init = initializer(t);
            initializers.put(init.name(), init);
        }
        for (NodeProto n : graph.getNodeList()) {
            Node node = node(n);
            for (String in : node.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
            }
        }
    }

    private Initializer initializer(TensorProto t) {
        if (!t.hasName()) {
            throw new CorruptArtifactException(file, "has an initializer without a name: it is truncated, damaged or "
                    + "not an ONNX model");
        }
        String name = t.getName();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new ModelFormatException(file, "keeps initializer '" + name + "' in an external data file, which "
                    + "is not read: export the model with its weights inside the .onnx file, or load the Hugging "
                    + "Face directory (model.safetensors) instead");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        for (long d : shape) {
            if (d < 0) {
                throw new CorruptArtifactException(file, "declares initializer '" + name + "' of shape "
                        + Arrays.toString(shape) + ": it is truncated, damaged or not an ONNX model");
            }
        }
        return new Initializer(name, t.getDataType(), shape, t);
    }

    private static Node node(NodeProto n) {
        Map<String, Long> ints = new HashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasName() && a.hasI()) {
                ints.put(a.getName(), a.getI());
            }
        }
        return new Node(n.getName(), n.getOpType(), n.getInputList(), n.getOutputList(), ints);
    }

    private Map<String, WeightTensor> weights() {
        Set<String> parts = new HashSet<>();
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        List<String> unnamed = new ArrayList<>();
        for (Initializer init : initializers.values()) {
            String base = quantisedBase(init);
            if (base != null) {
                parts.add(base + SCALE);
                parts.add(base + ZERO_POINT);
            }
        }
        for (Initializer init : initializers.values()) {
            String base = quantisedBase(init);
            if (parts.contains(init.name()) || (base == null && !isFloat(init.type()))) {
                continue; // a quantised weight's scale or zero point, or an integer constant (position ids)
            }
            String name = base != null ? base : init.name();
            Use use = use(init.name());
            float[] values = base != null ? dequantise(init, use) : floats(init);
            long[] shape = init.dims();
            if (use != null && use.transposed() && shape.length == 2) {
                values = transpose(values, (int) shape[0], (int) shape[1]);
                shape = new long[] {shape[1], shape[0]};
            }
            if (name.startsWith("onnx::")) {
                Matcher m = use == null ? null : LINEAR_NODE.matcher(use.node().name());
                if (m != null && m.matches()) {
                    name = m.group(1).replace('/', '.') + ".weight";
                } else {
                    unnamed.add(name);
                }
            }
            if (out.put(name, new WeightTensor(shape, values)) != null) {
                throw new ModelFormatException(file, "holds two weights named '" + name + "' (one named after the "
                        + "node that consumes it): it is not an export this reader understands");
            }
        }
        if (!unnamed.isEmpty()) {
            LOG.warn("{}: {} weights keep the name the exporter gave them, as their nodes are not named like a linear "
                    + "layer's (/module/path/MatMul): {}", file, unnamed.size(), unnamed.size() <= 10 ? unnamed
                            : unnamed.subList(0, 10) + " ...");
        }
        return out;
    }

    /** For {@code X_quantized} with {@code X_scale} beside it: {@code X}; otherwise null. */
    private String quantisedBase(Initializer init) {
        if (!init.name().endsWith(QUANTIZED) || (init.type() != INT8 && init.type() != UINT8)) {
            return null;
        }
        String base = init.name().substring(0, init.name().length() - QUANTIZED.length());
        return initializers.containsKey(base + SCALE) ? base : null;
    }

    private static boolean isFloat(int type) {
        return type == FLOAT || type == FLOAT16 || type == BFLOAT16 || type == DOUBLE;
    }

    /**
     * How a weight is used: by a linear node directly, or through the {@code DequantizeLinear} that dequantises it.
     * Null when no such node takes it.
     */
    private Use use(String name) {
        return use(name, 0);
    }

    /** {@link #use(String)}, following at most a few DequantizeLinear nodes (a hostile graph may loop). */
    private Use use(String name, int depth) {
        if (depth > 4) {
            return null;
        }
        for (Node node : consumers.getOrDefault(name, List.of())) {
            int at = node.inputs().indexOf(name);
            switch (node.op()) {
                case "MatMul", "MatMulInteger" -> {
                    if (at == 1) {
                        return new Use(node, true);
                    }
                }
                case "Gemm" -> {
                    if (at == 1) {
                        return new Use(node, node.ints().getOrDefault("transB", 0L) == 0);
                    }
                }
                case "DequantizeLinear" -> {
                    if (at == 0 && !node.outputs().isEmpty()) {
                        Use through = use(node.outputs().get(0), depth + 1);
                        if (through != null) {
                            return through;
                        }
                    }
                }
                default -> { }
            }
        }
        for (Node node : consumers.getOrDefault(name, List.of())) {
            if (node.inputs().indexOf(name) == 0 || node.op().equals("Gather")) {
                return new Use(node, false);
            }
        }
        return null;
    }

    /** {@code (q - zero_point) * scale}, per tensor or along the channel axis of the scale. */
    private float[] dequantise(Initializer q, Use use) {
        String base = q.name().substring(0, q.name().length() - QUANTIZED.length());
        float[] scale = floats(part(base + SCALE));
        Initializer zeroInit = initializers.get(base + ZERO_POINT);
        float[] zero = zeroInit == null ? new float[scale.length] : integers(zeroInit);
        if (zero.length != scale.length) {
            throw corrupt(base, "has " + scale.length + " scales but " + zero.length + " zero points");
        }
        float[] values = integers(q);
        long[] dims = q.dims();
        int axis = -1;
        if (scale.length != 1) {
            axis = axis(q, use, base);
            if (axis < 0 || axis >= dims.length || dims[axis] != scale.length) {
                throw corrupt(base, "of shape " + Arrays.toString(dims) + " has " + scale.length + " scales, which "
                        + "fit no axis this reader can tell (" + (axis < 0 ? "no channel axis known" : "axis "
                                + axis) + ")");
            }
        }
        long inner = 1;
        for (int d = axis + 1; d < dims.length && axis >= 0; d++) {
            inner *= dims[d];
        }
        for (int i = 0; i < values.length; i++) {
            int c = axis < 0 ? 0 : (int) ((i / inner) % scale.length);
            values[i] = (values[i] - zero[c]) * scale[c];
        }
        return values;
    }

    /** The channel axis of a per-channel quantised weight: its columns for MatMulInteger, or DequantizeLinear's. */
    private int axis(Initializer q, Use use, String base) {
        for (Node node : consumers.getOrDefault(q.name(), List.of())) {
            if (node.op().equals("MatMulInteger") && node.inputs().indexOf(q.name()) == 1) {
                return q.dims().length - 1;
            }
            if (node.op().equals("DequantizeLinear") && node.inputs().indexOf(q.name()) == 0) {
                long axis = node.ints().getOrDefault("axis", 1L);
                return (int) (axis < 0 ? axis + q.dims().length : axis);
            }
        }
        return -1;
    }

    private Initializer part(String name) {
        Initializer init = initializers.get(name);
        if (init == null) {
            throw new ModelFormatException(file, "lacks initializer '" + name + "' of a quantised weight");
        }
        return init;
    }

    /** A float initializer's values as float32. */
    private float[] floats(Initializer init) {
        int count = checkedCount(init);
        float[] values = new float[count];
        TensorProto t = init.tensor();
        if (t.hasRawData()) {
            int width = switch (init.type()) {
                case FLOAT -> 4;
                case DOUBLE -> 8;
                case FLOAT16, BFLOAT16 -> 2;
                default -> throw new ModelFormatException(file, "holds initializer '" + init.name() + "' of ONNX "
                        + "data type " + init.type() + " where a float weight is expected");
            };
            ByteBuffer b = raw(init, count, width);
            for (int i = 0; i < count; i++) {
                int at = i * width;
                values[i] = switch (init.type()) {
                    case FLOAT -> b.getFloat(at);
                    case DOUBLE -> (float) b.getDouble(at);
                    case FLOAT16 -> HalfFloats.float16(b.getShort(at));
                    default -> HalfFloats.bfloat16(b.getShort(at));
                };
            }
            return values;
        }
        if (init.type() == FLOAT) {
            filled(t.getFloatDataCount(), count, init);
            for (int i = 0; i < count; i++) {
                values[i] = t.getFloatData(i);
            }
            return values;
        }
        if (init.type() == DOUBLE) {
            filled(t.getDoubleDataCount(), count, init);
            for (int i = 0; i < count; i++) {
                values[i] = (float) t.getDoubleData(i);
            }
            return values;
        }
        float[] bits = int32Data(init, count);
        for (int i = 0; i < count; i++) {
            short h = (short) bits[i];
            values[i] = init.type() == FLOAT16 ? HalfFloats.float16(h) : HalfFloats.bfloat16(h);
        }
        return values;
    }

    /** An int8 or uint8 initializer's values, as floats. */
    private float[] integers(Initializer init) {
        if (init.type() != INT8 && init.type() != UINT8) {
            throw new ModelFormatException(file, "holds initializer '" + init.name() + "' of ONNX data type "
                    + init.type() + ": only int8 and uint8 quantised weights are dequantised");
        }
        int count = checkedCount(init);
        if (!init.tensor().hasRawData()) {
            return int32Data(init, count);
        }
        ByteBuffer b = raw(init, count, 1);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            byte v = b.get(i);
            values[i] = init.type() == INT8 ? v : v & 0xff;
        }
        return values;
    }

    /** The values kept in {@code int32_data} (int8, uint8, float16 bits), checked against the count. */
    private float[] int32Data(Initializer init, int count) {
        TensorProto t = init.tensor();
        filled(t.getInt32DataCount(), count, init);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = t.getInt32Data(i);
        }
        return values;
    }

    private int checkedCount(Initializer init) {
        long count = Elements.of(init.dims());
        if (count > Elements.MAX || count > fileBytes) {
            throw corrupt(init.name(), "declares shape " + Arrays.toString(init.dims()) + ", more values than the "
                    + "file can hold");
        }
        return (int) count;
    }

    /** The raw little-endian data of an initializer, checked to hold {@code count} values of {@code width} bytes. */
    private ByteBuffer raw(Initializer init, int count, int width) {
        long bytes = (long) count * width;
        int held = init.tensor().getRawData().size();
        if (held != bytes) {
            throw corrupt(init.name(), "of shape " + Arrays.toString(init.dims()) + " needs " + bytes + " bytes, its "
                    + "raw data holds " + held);
        }
        return init.tensor().getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private void filled(int held, int count, Initializer init) {
        if (held != count) {
            throw corrupt(init.name(), "holds " + held + " values, its shape " + Arrays.toString(init.dims()) + " has "
                    + count);
        }
    }

    private CorruptArtifactException corrupt(String initializer, String problem) {
        return new CorruptArtifactException(file, "initializer '" + initializer + "' " + problem + ": the file is "
                + "damaged or not an ONNX export this reader understands");
    }

    /** A row-major {@code rows × cols} matrix transposed, in blocks that stay in cache. */
    static float[] transpose(float[] values, int rows, int cols) {
        float[] out = new float[values.length];
        int block = 64;
        for (int r0 = 0; r0 < rows; r0 += block) {
            for (int c0 = 0; c0 < cols; c0 += block) {
                int rEnd = Math.min(rows, r0 + block);
                int cEnd = Math.min(cols, c0 + block);
                for (int r = r0; r < rEnd; r++) {
                    for (int c = c0; c < cEnd; c++) {
                        out[c * rows + r] = values[r * cols + c];
                    }
                }
            }
        }
        return out;
    }
}
