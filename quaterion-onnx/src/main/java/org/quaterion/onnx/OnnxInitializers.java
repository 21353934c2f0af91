package org.quaterion.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the float32 weights (graph initializers) of an ONNX file, with a minimal protobuf reader: enough to load a
 * pretrained transformer's weights into a trainable block. Weights that an exporter renamed to {@code onnx::MatMul_N}
 * are named after the node that consumes them ({@code /encoder/layer.0/attention/self/query/MatMul} →
 * {@code encoder.layer.0.attention.self.query.weight}); they are stored {@code (in, out)}.
 */
final class OnnxInitializers {

    /** One weight. */
    record Tensor(long[] dims, float[] values) {}

    private OnnxInitializers() {}

    /**
     * Reads the weights in PyTorch's layout: the linear layers' MatMul weights transposed to {@code (out, in)}.
     */
    static Map<String, org.quaterion.onnx.transformer.WeightTensor> weights(Path file) throws IOException {
        Map<String, org.quaterion.onnx.transformer.WeightTensor> out = new HashMap<>();
        for (Map.Entry<String, Tensor> e : read(file).entrySet()) {
            Tensor t = e.getValue();
            if (e.getKey().startsWith("encoder.") && e.getKey().endsWith(".weight") && t.dims().length == 2) {
                int in = (int) t.dims()[0];
                int outDim = (int) t.dims()[1];
                float[] v = new float[t.values().length];
                for (int i = 0; i < in; i++) {
                    for (int j = 0; j < outDim; j++) {
                        v[j * in + i] = t.values()[i * outDim + j];
                    }
                }
                out.put(e.getKey(), new org.quaterion.onnx.transformer.WeightTensor(new long[] {outDim, in}, v));
            } else {
                out.put(e.getKey(), new org.quaterion.onnx.transformer.WeightTensor(t.dims(), t.values()));
            }
        }
        return out;
    }

    /** Reads every float32 initializer, keyed by its (resolved) name. */
    static Map<String, Tensor> read(Path file) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        int[] graph = null;
        for (int[] f : fields(b, 0, b.limit())) {
            if (f[0] == 7 && f[1] == 2) {
                graph = f;
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException(file + " has no ONNX graph");
        }
        Map<String, Tensor> raw = new HashMap<>();
        Map<String, String> consumer = new HashMap<>();
        for (int[] f : fields(b, graph[2], graph[3])) {
            if (f[0] == 5 && f[1] == 2) {
                readTensor(b, f[2], f[3], raw);
            } else if (f[0] == 1 && f[1] == 2) {
                readNode(b, f[2], f[3], consumer);
            }
        }
        Map<String, Tensor> out = new HashMap<>();
        raw.forEach((name, t) -> {
            String node = consumer.get(name);
            if (name.startsWith("onnx::MatMul") && node != null && node.endsWith("/MatMul")) {
                out.put(node.substring(1, node.length() - "/MatMul".length()).replace('/', '.') + ".weight", t);
            } else {
                out.put(name, t);
            }
        });
        return out;
    }

    private static void readTensor(ByteBuffer b, int start, int end, Map<String, Tensor> into) {
        List<Long> dims = new ArrayList<>();
        long type = -1;
        String name = null;
        int rawStart = -1;
        int rawEnd = -1;
        for (int[] f : fields(b, start, end)) {
            switch (f[0]) {
                case 1 -> dims.add(((long) f[3] << 32) | (f[2] & 0xffffffffL));
                case 2 -> type = f[2];
                case 8 -> name = string(b, f[2], f[3]);
                case 9 -> {
                    rawStart = f[2];
                    rawEnd = f[3];
                }
                default -> { }
            }
        }
        if (type != 1 || rawStart < 0 || name == null) {
            return; // not float32 raw data (e.g. int64 position ids): not a weight we load
        }
        float[] values = new float[(rawEnd - rawStart) / 4];
        b.slice(rawStart, rawEnd - rawStart).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        into.put(name, new Tensor(dims.stream().mapToLong(Long::longValue).toArray(), values));
    }

    private static void readNode(ByteBuffer b, int start, int end, Map<String, String> consumer) {
        List<String> inputs = new ArrayList<>();
        String name = null;
        for (int[] f : fields(b, start, end)) {
            if (f[0] == 1 && f[1] == 2) {
                inputs.add(string(b, f[2], f[3]));
            } else if (f[0] == 3 && f[1] == 2) {
                name = string(b, f[2], f[3]);
            }
        }
        for (String in : inputs) {
            if (name != null) {
                consumer.putIfAbsent(in, name);
            }
        }
    }

    private static String string(ByteBuffer b, int start, int end) {
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The fields of a message: {number, wire type, a, b}; for varints a/b are the value's low/high 32 bits, for
     * length-delimited fields the start and end offsets.
     */
    private static List<int[]> fields(ByteBuffer b, int start, int end) {
        List<int[]> out = new ArrayList<>();
        int[] pos = {start};
        while (pos[0] < end) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> {
                    long v = varint(b, pos);
                    out.add(new int[] {number, wire, (int) v, (int) (v >>> 32)});
                }
                case 1 -> {
                    out.add(new int[] {number, wire, pos[0], pos[0] + 8});
                    pos[0] += 8;
                }
                case 2 -> {
                    int length = (int) varint(b, pos);
                    out.add(new int[] {number, wire, pos[0], pos[0] + length});
                    pos[0] += length;
                }
                case 5 -> {
                    out.add(new int[] {number, wire, pos[0], pos[0] + 4});
                    pos[0] += 4;
                }
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire
                        + ": not an ONNX file");
            }
        }
        return out;
    }

    private static long varint(ByteBuffer b, int[] pos) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte c = b.get(pos[0]++);
            result |= (long) (c & 0x7f) << shift;
            if (c >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed protobuf varint");
    }
}
