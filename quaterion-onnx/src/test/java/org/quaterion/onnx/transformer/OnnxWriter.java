package org.quaterion.onnx.transformer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes small ONNX models in tests, field by field (ModelProto.graph = 7; GraphProto.node = 1, .initializer = 5;
 * NodeProto.input = 1, .output = 2, .name = 3, .op_type = 4, .attribute = 5; TensorProto.dims = 1, .data_type = 2,
 * .float_data = 4, .int32_data = 5, .name = 8, .raw_data = 9, .data_location = 14).
 */
final class OnnxWriter {

    /** ONNX data types. */
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT64 = 7;

    private OnnxWriter() {}

    /** A protobuf message written field by field. */
    static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            key(field, 0);
            raw(value);
            return this;
        }

        Message bytes(int field, byte[] bytes) {
            key(field, 2);
            raw(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Message string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Message message(int field, Message m) {
            return bytes(field, m.bytes());
        }

        private void key(int field, int wire) {
            raw(((long) field << 3) | wire);
        }

        private void raw(long value) {
            long v = value;
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A tensor with raw little-endian data. */
    static Message raw(String name, int type, long[] dims, byte[] data) {
        Message t = header(name, type, dims);
        return t.bytes(9, data);
    }

    /** A float tensor in packed {@code float_data}. */
    static Message floats(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return header(name, FLOAT, dims).bytes(4, b.array());
    }

    /** An int8/uint8 tensor in packed {@code int32_data}. */
    static Message int32Data(String name, int type, long[] dims, int... values) {
        Message packed = new Message();
        for (int v : values) {
            packed.raw(v);
        }
        return header(name, type, dims).bytes(5, packed.bytes());
    }

    private static Message header(String name, int type, long[] dims) {
        Message t = new Message();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name);
    }

    /** A node: op, name, inputs, outputs and integer attributes given as name, value pairs. */
    static Message node(String op, String name, List<String> inputs, List<String> outputs, Object... ints) {
        Message n = new Message();
        inputs.forEach(i -> n.string(1, i));
        outputs.forEach(o -> n.string(2, o));
        n.string(3, name).string(4, op);
        for (int i = 0; i + 1 < ints.length; i += 2) {
            n.message(5, new Message().string(1, (String) ints[i]).varint(3, ((Number) ints[i + 1]).longValue())
                    .varint(20, 2));
        }
        return n;
    }

    /** A model whose graph holds the nodes and initializers. */
    static byte[] model(List<Message> nodes, List<Message> initializers) {
        Message graph = new Message();
        nodes.forEach(n -> graph.message(1, n));
        initializers.forEach(i -> graph.message(5, i));
        return new Message().varint(1, 8).message(7, graph).bytes();
    }
}
