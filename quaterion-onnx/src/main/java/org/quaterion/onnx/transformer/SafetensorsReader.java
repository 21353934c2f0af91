package org.quaterion.onnx.transformer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.HalfFloats;
import org.quaterion.models.io.ModelFormatException;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header mapping each tensor's name
 * to its {@code dtype}, {@code shape} and {@code data_offsets} (begin and end, relative to the data that follows the
 * header; an optional {@code __metadata__} object of strings), then the tensors' little-endian bytes. F32, F16, BF16
 * and F64 tensors are read as float32 (the 16-bit ones widened in Java); integer and boolean tensors that are known
 * buffers ({@code embeddings.position_ids}) are left out, any other is refused.
 *
 * <p>The whole header is checked before any tensor is allocated: its length against the file, every shape times its
 * dtype's width against its offsets, every offset inside the data, and the tensors tiling the data without overlap or
 * gap (as the format requires). So no array is larger than the bytes the file holds, and a hostile file ends in a
 * {@link CorruptArtifactException} naming it, never in an {@code OutOfMemoryError}.
 */
final class SafetensorsReader {

    /** The largest header read: the format's own limit (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000;
    /** The most dimensions a tensor may have. */
    private static final int MAX_DIMS = 64;
    /** The bytes read from the file at once while converting a tensor. */
    private static final int CHUNK = 1 << 20;

    /** A tensor's element type: its name in the header, its width, and whether it holds floats read here. */
    enum DType {
        F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
        BOOL(1, false), U8(1, false), I8(1, false), F8_E4M3(1, false), F8_E5M2(1, false),
        I16(2, false), U16(2, false), I32(4, false), U32(4, false), I64(8, false), U64(8, false);

        final int width;
        final boolean floating;

        DType(int width, boolean floating) {
            this.width = width;
            this.floating = floating;
        }

        static DType of(String name) {
            for (DType t : values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** One tensor of the header: its name, type, shape and byte range in the data. */
    private record Entry(String name, DType type, long[] shape, long begin, long end) {}

    private SafetensorsReader() {}

    /**
     * Reads every float tensor of the file.
     *
     * @param file the {@code .safetensors} file
     * @return the tensors, by the names the file gives them, in the header's order
     * @throws IOException when the file cannot be read
     * @throws CorruptArtifactException when it is truncated or its header is malformed or inconsistent
     * @throws ModelFormatException when it holds a tensor of a type other than F32/F16/BF16/F64 that is not a known
     *     buffer
     */
    static Map<String, WeightTensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw corrupt(file, "is " + size + " bytes, shorter than the 8-byte header length: it is truncated "
                        + "or not a safetensors file");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lengthBytes, 0, file);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw corrupt(file, "declares a header of " + Long.toUnsignedString(headerLength) + " bytes, but "
                        + (headerLength > MAX_HEADER_BYTES || headerLength < 0 ? "a safetensors header has at most "
                                + MAX_HEADER_BYTES : headerLength < 2 ? "a header is a JSON object of at least 2"
                                        : "the file holds " + (size - 8) + " after the length")
                        + ": it is truncated or not a safetensors file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8, file);
            long dataStart = 8 + headerLength;
            List<Entry> entries = entries(parse(header, file), file);
            checkTiling(entries, size - dataStart, file);
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (e.type().floating) {
                    out.put(e.name(), new WeightTensor(e.shape(), values(ch, dataStart, e, file)));
                }
            }
            return out;
        }
    }

    private static JsonObject parse(ByteBuffer header, Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(header.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptArtifactException(file, "has a header that is not UTF-8: it is damaged or not a "
                    + "safetensors file", e);
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (JsonParseException | IllegalStateException e) {
            throw new CorruptArtifactException(file, "has a header that is not valid JSON (" + shorten(e.getMessage())
                    + "): it is damaged or not a safetensors file", e);
        }
        if (!json.isJsonObject()) {
            throw corrupt(file, "has a header that is not a JSON object: it is damaged or not a safetensors file");
        }
        return json.getAsJsonObject();
    }

    /** The header's tensors, each checked on its own: a known dtype, a shape and offsets that agree. */
    private static List<Entry> entries(JsonObject header, Path file) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> m : header.entrySet()) {
            String name = m.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            String shown = "'" + shorten(name) + "'";
            if (!m.getValue().isJsonObject()) {
                throw corrupt(file, "describes tensor " + shown + " with " + shorten(m.getValue().toString())
                        + ", not an object of dtype, shape and data_offsets");
            }
            JsonObject t = m.getValue().getAsJsonObject();
            String dtypeName = string(t, "dtype", shown, file);
            DType type = DType.of(dtypeName);
            if (type == null || !type.floating && !WeightNames.isBuffer(name)) {
                throw new ModelFormatException(file, "holds tensor " + shown + " of dtype " + shorten(dtypeName)
                        + ": only F32, F16, BF16 and F64 weights are read (save the model in one of them)");
            }
            long[] shape = longs(t, "shape", -1, MAX_DIMS, shown, file);
            long[] offsets = longs(t, "data_offsets", 2, 2, shown, file);
            long elements = Elements.of(shape);
            long bytes = Elements.times(elements, type.width);
            if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != bytes) {
                throw corrupt(file, "declares tensor " + shown + " of dtype " + type + " and shape "
                        + Arrays.toString(shape) + " (" + bytes + " bytes) at data_offsets [" + offsets[0] + ", "
                        + offsets[1] + "]: the offsets do not span its bytes");
            }
            if (type.floating && elements > Elements.MAX) {
                throw corrupt(file, "declares tensor " + shown + " of " + elements + " elements, more than the "
                        + Elements.MAX + " one tensor may have");
            }
            entries.add(new Entry(name, type, shape, offsets[0], offsets[1]));
        }
        return entries;
    }

    /** The tensors must cover the data exactly: no overlap, no gap, nothing past its end. */
    private static void checkTiling(List<Entry> entries, long dataBytes, Path file) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw corrupt(file, "declares tensor '" + shorten(e.name()) + "' at bytes [" + e.begin() + ", "
                        + e.end() + "), overlapping tensor '" + shorten(previous.name()) + "' at ["
                        + previous.begin() + ", " + previous.end() + "): the header is damaged");
            }
            if (e.begin() > covered) {
                throw corrupt(file, "leaves bytes [" + covered + ", " + e.begin() + ") of its data to no tensor: "
                        + "the header is damaged");
            }
            covered = e.end();
            previous = e;
        }
        if (covered > dataBytes) {
            throw corrupt(file, "declares tensor '" + shorten(previous.name()) + "' ending at byte " + covered
                    + " of its data, which holds " + dataBytes + ": the file is truncated");
        }
        if (covered < dataBytes) {
            throw corrupt(file, "has " + (dataBytes - covered) + " bytes after its last tensor: the header is "
                    + "damaged or the file was appended to");
        }
    }

    /** A tensor's values, widened or narrowed to float32, read in chunks. */
    private static float[] values(FileChannel ch, long dataStart, Entry e, Path file) throws IOException {
        int width = e.type().width;
        float[] values = new float[(int) ((e.end() - e.begin()) / width)];
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, e.end() - e.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < values.length) {
            int n = Math.min(values.length - done, chunk.capacity() / width);
            chunk.clear().limit(n * width);
            readFully(ch, chunk, dataStart + e.begin() + (long) done * width, file);
            chunk.flip();
            switch (e.type()) {
                case F32 -> chunk.asFloatBuffer().get(values, done, n);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        values[done + i] = (float) chunk.getDouble(i * 8);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        values[done + i] = HalfFloats.float16(chunk.getShort(i * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        values[done + i] = HalfFloats.bfloat16(chunk.getShort(i * 2));
                    }
                }
                default -> throw new IllegalStateException("not a float dtype: " + e.type());
            }
            done += n;
        }
        return values;
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position, Path file) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n < 0) {
                throw corrupt(file, "ends at byte " + at + " while " + into.remaining() + " more bytes were "
                        + "expected: it is truncated");
            }
            at += n;
        }
    }

    private static String string(JsonObject t, String key, String tensor, Path file) {
        JsonElement e = t.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw corrupt(file, "describes tensor " + tensor + " without a string '" + key + "' (found "
                    + (e == null ? "nothing" : shorten(e.toString())) + ")");
        }
        return e.getAsString();
    }

    /** A member that is an array of non-negative integers, of {@code min}..{@code max} items (min -1: any). */
    private static long[] longs(JsonObject t, String key, int min, int max, String tensor, Path file) {
        JsonElement e = t.get(key);
        if (e != null && e.isJsonArray() && e.getAsJsonArray().size() <= max && e.getAsJsonArray().size() >= min) {
            long[] out = new long[e.getAsJsonArray().size()];
            boolean valid = true;
            for (int i = 0; i < out.length && valid; i++) {
                JsonElement item = e.getAsJsonArray().get(i);
                valid = item.isJsonPrimitive() && item.getAsJsonPrimitive().isNumber()
                        && item.getAsString().matches("\\d{1,18}");
                out[i] = valid ? Long.parseLong(item.getAsString()) : 0;
            }
            if (valid) {
                return out;
            }
        }
        throw corrupt(file, "describes tensor " + tensor + " with '" + key + "' " + (e == null ? "missing"
                : shorten(e.toString())) + ": " + (max == 2 && min == 2 ? "two" : "at most " + max)
                + " non-negative integers expected");
    }

    private static CorruptArtifactException corrupt(Path file, String problem) {
        return new CorruptArtifactException(file, problem);
    }

    /** A text from the file, cut to 100 characters for a message. */
    private static String shorten(String s) {
        return s == null ? "" : s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
