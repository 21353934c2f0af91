package org.quaterion.onnx.transformer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code .safetensors} files in tests: an 8-byte little-endian header length, the JSON header, the tensors'
 * bytes back to back. Floats are written as F32, F16 or BF16 (rounded to nearest, ties to even); crafted headers and
 * lengths are written as given, for the refusal tests.
 */
final class SafetensorsFiles {

    /** One tensor as stored: name, dtype, shape and little-endian bytes. */
    record Tensor(String name, String dtype, long[] shape, byte[] data) {}

    private SafetensorsFiles() {}

    /** Float tensors in a dtype ({@code F32}, {@code F16} or {@code BF16}), in the map's order. */
    static List<Tensor> tensors(Map<String, WeightTensor> weights, String dtype) {
        List<Tensor> out = new ArrayList<>();
        weights.forEach((name, w) -> out.add(tensor(name, dtype, w.shape(), w.values())));
        return out;
    }

    /** One float tensor in a dtype ({@code F32}, {@code F16} or {@code BF16}). */
    static Tensor tensor(String name, String dtype, long[] shape, float[] values) {
        int width = dtype.equals("F32") ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case "F32" -> b.putFloat(v);
                case "F16" -> b.putShort(toFloat16(v));
                case "BF16" -> b.putShort(toBfloat16(v));
                default -> throw new IllegalArgumentException("the writer writes F32, F16 or BF16, not " + dtype);
            }
        }
        return new Tensor(name, dtype, shape, b.array());
    }

    /** An I64 tensor (an integer buffer such as position ids). */
    static Tensor int64(String name, long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new Tensor(name, "I64", shape, b.array());
    }

    /** Writes the tensors back to back with a header that describes them and a {@code __metadata__} entry. */
    static void write(Path file, List<Tensor> tensors) throws IOException {
        JsonObject header = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("format", "pt");
        header.add("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            header.add(t.name(), entry(t.dtype(), t.shape(), offset, offset + t.data().length));
            offset += t.data().length;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        writeRaw(file, json.length, json, concat(tensors));
    }

    /** A header entry: dtype, shape and data offsets. */
    static JsonObject entry(String dtype, long[] shape, long begin, long end) {
        JsonObject e = new JsonObject();
        e.addProperty("dtype", dtype);
        JsonArray dims = new JsonArray();
        for (long d : shape) {
            dims.add(d);
        }
        e.add("shape", dims);
        JsonArray offsets = new JsonArray();
        offsets.add(begin);
        offsets.add(end);
        e.add("data_offsets", offsets);
        return e;
    }

    /** The tensors' bytes back to back. */
    static byte[] concat(List<Tensor> tensors) {
        int n = tensors.stream().mapToInt(t -> t.data().length).sum();
        ByteBuffer b = ByteBuffer.allocate(n);
        tensors.forEach(t -> b.put(t.data()));
        return b.array();
    }

    /** Writes a declared header length, a header and data as given, true or not. */
    static void writeRaw(Path file, long declaredHeaderLength, byte[] header, byte[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredHeaderLength).array());
            out.write(header);
            out.write(data);
        }
    }

    /** A float's nearest IEEE binary16 (ties to even); overflow gives infinity. */
    static short toFloat16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exponent = (x >>> 23) & 0xff;
        int mantissa = x & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) { // a subnormal float16 (or zero): m * 2^-24
            if (e < -10) {
                return (short) sign;
            }
            int full = mantissa | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(full, shift));
        }
        int m = roundShift(mantissa, 13);
        if (m == 0x400) { // the mantissa rounded up into the next exponent
            m = 0;
            e++;
            if (e >= 0x1f) {
                return (short) (sign | 0x7c00);
            }
        }
        return (short) (sign | (e << 10) | m);
    }

    /** {@code value >> shift}, rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        return rest > half || (rest == half && (kept & 1) == 1) ? kept + 1 : kept;
    }

    /** A float's nearest bfloat16 (ties to even); NaN stays NaN. */
    static short toBfloat16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((x >>> 16) | 0x40);
        }
        return (short) ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16);
    }
}
