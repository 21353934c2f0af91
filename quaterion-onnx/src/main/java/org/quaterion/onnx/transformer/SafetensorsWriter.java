package org.quaterion.onnx.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes float32 tensors in the safetensors format (an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian values), which Hugging Face's libraries and
 * {@link CheckpointWeights} read. The file is written in place: callers write into a directory they replace
 * atomically.
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {}

    /**
     * Writes tensors, in the map's order.
     *
     * @param file the file to write
     * @param tensors names → arrays (converted to float32)
     * @throws IOException when writing fails
     */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            long bytes = e.getValue().size() * Float.BYTES;
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().getShape().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray range = new JsonArray();
            range.add(offset);
            range.add(offset + bytes);
            t.add("data_offsets", range);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data starts 8-byte aligned; the header is padded with spaces
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (NDArray a : tensors.values()) {
                try (NDArray f = a.toType(DataType.FLOAT32, true)) {
                    ByteBuffer b = f.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    out.write(bytes);
                }
            }
        }
    }
}
