package org.quaterion.onnx.transformer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a checkpoint's weights (temporary: F32 safetensors only). */
public final class CheckpointWeights {

    private CheckpointWeights() {}

    /**
     * Reads a safetensors file.
     *
     * @param file the file
     * @return names → tensors
     * @throws IOException when reading fails
     */
    public static Map<String, WeightTensor> read(Path file) throws IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            file = file.resolve("model.safetensors");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) b.getLong(0);
            byte[] json = new byte[n];
            b.get(8, json);
            JsonObject header = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (String name : header.keySet()) {
                if (name.equals("__metadata__")) {
                    continue;
                }
                JsonObject t = header.getAsJsonObject(name);
                long[] shape = new long[t.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.getAsJsonArray("shape").get(i).getAsLong();
                }
                int begin = t.getAsJsonArray("data_offsets").get(0).getAsInt();
                int end = t.getAsJsonArray("data_offsets").get(1).getAsInt();
                float[] values = new float[(end - begin) / 4];
                b.slice(8 + n + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                out.put(name, new WeightTensor(shape, values));
            }
            return out;
        }
    }
}
