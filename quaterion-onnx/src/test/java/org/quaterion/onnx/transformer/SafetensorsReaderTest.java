package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.HalfFloats;
import org.quaterion.models.io.ModelFormatException;

/**
 * The safetensors reader: F32, F16 and BF16 files written by the test writer read back bit for bit, integer buffers
 * are left out, and every malformed header or unsupported dtype is refused with a message naming the problem.
 */
class SafetensorsReaderTest {

    private static final Map<String, long[]> SHAPES = TinyBert.shapes(11, 8, 2, 16, 7, 2);

    private static void assertBitsEqual(float[] expected, float[] actual, String name) {
        assertEquals(expected.length, actual.length, name);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), name + "[" + i
                    + "]");
        }
    }

    @Test
    void aTinyBertInF32RoundTripsBitForBitAndItsPositionIdsAreLeftOut(@TempDir Path tmp) throws Exception {
        Map<String, WeightTensor> weights = TinyBert.random(SHAPES, 1);
        List<SafetensorsFiles.Tensor> tensors = new ArrayList<>(SafetensorsFiles.tensors(weights, "F32"));
        tensors.add(2, SafetensorsFiles.int64("embeddings.position_ids", new long[] {1, 7}, 0, 1, 2, 3, 4, 5, 6));
        Path file = tmp.resolve("model.safetensors");
        SafetensorsFiles.write(file, tensors);

        Map<String, WeightTensor> read = SafetensorsReader.read(file);

        assertEquals(List.copyOf(weights.keySet()), List.copyOf(read.keySet()));
        weights.forEach((name, w) -> {
            assertArrayEquals(w.shape(), read.get(name).shape(), name);
            assertBitsEqual(w.values(), read.get(name).values(), name);
        });
    }

    @Test
    void f16AndBf16AreWidenedExactlyAndWriteBackToTheSameBits(@TempDir Path tmp) throws Exception {
        Random random = new Random(7);
        short[] half = new short[1 << 16]; // every float16 but NaNs (whose payload a float keeps, not its value)
        short[] brain = new short[4096];
        int n = 0;
        for (int bits = 0; bits < 1 << 16; bits++) {
            if ((bits & 0x7c00) != 0x7c00 || (bits & 0x3ff) == 0) {
                half[n++] = (short) bits;
            }
        }
        half = Arrays.copyOf(half, n);
        for (int i = 0; i < brain.length; i++) {
            do {
                brain[i] = (short) random.nextInt(1 << 16);
            } while ((brain[i] & 0x7f80) == 0x7f80 && (brain[i] & 0x7f) != 0); // no NaN
        }
        float[] halfValues = new float[half.length];
        float[] brainValues = new float[brain.length];
        for (int i = 0; i < half.length; i++) {
            halfValues[i] = HalfFloats.float16(half[i]);
        }
        for (int i = 0; i < brain.length; i++) {
            brainValues[i] = Float.intBitsToFloat((brain[i] & 0xffff) << 16);
        }
        Path file = tmp.resolve("half.safetensors");
        List<SafetensorsFiles.Tensor> tensors = List.of(
                SafetensorsFiles.tensor("half", "F16", new long[] {half.length}, halfValues),
                SafetensorsFiles.tensor("brain", "BF16", new long[] {64, 64}, brainValues));
        SafetensorsFiles.write(file, tensors);

        Map<String, WeightTensor> read = SafetensorsReader.read(file);

        assertBitsEqual(halfValues, read.get("half").values(), "half");
        assertBitsEqual(brainValues, read.get("brain").values(), "brain");
        for (int i = 0; i < half.length; i++) { // the writer's rounding inverts the reader's widening
            assertEquals(half[i], SafetensorsFiles.toFloat16(read.get("half").values()[i]));
        }
        assertEquals(1f, HalfFloats.float16(SafetensorsFiles.toFloat16(1.0004f))); // rounds to nearest
        assertEquals(1.0009765625f, HalfFloats.float16(SafetensorsFiles.toFloat16(1.0007f)));
    }

    @Test
    void anF64TensorIsNarrowedToFloat32(@TempDir Path tmp) throws Exception {
        byte[] data = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(0.1)
                .putDouble(-2.5).array();
        Path file = tmp.resolve("f64.safetensors");
        SafetensorsFiles.write(file, List.of(new SafetensorsFiles.Tensor("w", "F64", new long[] {2}, data)));

        assertArrayEquals(new float[] {0.1f, -2.5f}, SafetensorsReader.read(file).get("w").values());
    }

    /** Reads and returns the refusal, checking that it names the file. */
    private static ModelFormatException refused(Path file) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsReader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    /** A file of this header (its true length before it) and {@code dataBytes} zero bytes of data. */
    private static Path written(Path tmp, String name, String json, int dataBytes) throws Exception {
        Path file = tmp.resolve(name);
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        SafetensorsFiles.writeRaw(file, header.length, header, new byte[dataBytes]);
        return file;
    }

    @Test
    void anIntegerWeightIsRefusedNamingTheTensorAndItsDtype(@TempDir Path tmp) throws Exception {
        Path file = written(tmp, "int.safetensors",
                "{\"encoder.layer.0.output.dense.weight\":{\"dtype\":\"I8\",\"shape\":[2,2],"
                + "\"data_offsets\":[0,4]}}", 4);

        ModelFormatException e = refused(file);

        assertTrue(e.getMessage().endsWith("holds tensor 'encoder.layer.0.output.dense.weight' of dtype I8: only "
                + "F32, F16, BF16 and F64 weights are read (save the model in one of them)"), e.getMessage());
    }

    @Test
    void anUnknownDtypeIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        Path file = written(tmp, "q4.safetensors",
                "{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1);

        assertTrue(refused(file).getMessage().contains("holds tensor 'w' of dtype Q4_K"));
    }

    @Test
    void aTruncatedFileIsRefused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("model.safetensors");
        SafetensorsFiles.write(file, SafetensorsFiles.tensors(TinyBert.random(SHAPES, 2), "F32"));
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 5));

        ModelFormatException e = refused(file);

        assertInstanceOf(CorruptArtifactException.class, e);
        assertTrue(e.getMessage().contains("declares tensor 'encoder.layer.1.output.LayerNorm.bias' ending at byte "
                + (whole.length - 8 - headerLength(whole)) + " of its data, which holds "
                + (whole.length - 13 - headerLength(whole)) + ": the file is truncated"), e.getMessage());
    }

    private static long headerLength(byte[] file) {
        return java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void aFileShorterThanItsHeaderLengthIsRefused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cut.safetensors");
        SafetensorsFiles.writeRaw(file, 1000, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);

        assertTrue(refused(file).getMessage().contains("declares a header of 1000 bytes, but the file holds 2 after "
                + "the length: it is truncated or not a safetensors file"));
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertTrue(refused(tiny).getMessage().contains("is 3 bytes, shorter than the 8-byte header length"));
    }

    @Test
    void aHeaderAboveTheFormatsLimitIsRefusedBeforeItIsRead(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("huge-header.safetensors");
        SafetensorsFiles.writeRaw(file, 1L << 40, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        Path negative = tmp.resolve("negative.safetensors");
        SafetensorsFiles.writeRaw(negative, -1, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);

        assertTrue(refused(file).getMessage().contains("declares a header of 1099511627776 bytes, but a safetensors "
                + "header has at most 100000000"), refused(file).getMessage());
        assertTrue(refused(negative).getMessage().contains("declares a header of 18446744073709551615 bytes, but a "
                + "safetensors header has at most 100000000"), refused(negative).getMessage());
    }

    @Test
    void overlappingOffsetsAreRefusedNamingBothTensors(@TempDir Path tmp) throws Exception {
        Path file = written(tmp, "overlap.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);

        assertTrue(refused(file).getMessage().contains("declares tensor 'b' at bytes [4, 12), overlapping tensor 'a' "
                + "at [0, 8): the header is damaged"));
    }

    @Test
    void aGapOrTrailingBytesAreRefused(@TempDir Path tmp) throws Exception {
        Path gap = written(tmp, "gap.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        Path trailing = written(tmp, "trailing.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);

        assertTrue(refused(gap).getMessage().contains("leaves bytes [0, 4) of its data to no tensor"));
        assertTrue(refused(trailing).getMessage().contains("has 4 bytes after its last tensor"));
    }

    @Test
    void offsetsThatDoNotSpanTheShapeAreRefusedBeforeAnythingIsAllocated(@TempDir Path tmp) throws Exception {
        // 2^31 x 2^31 floats claimed over 8 bytes: refused from the header, never allocated
        Path file = written(tmp, "shape.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648,2147483648],"
                + "\"data_offsets\":[0,8]}}", 8);
        Path reversed = written(tmp, "reversed.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8);

        assertTrue(refused(file).getMessage().contains("declares tensor 'a' of dtype F32 and shape [2147483648, "
                + "2147483648] (9223372036854775807 bytes) at data_offsets [0, 8]: the offsets do not span its "
                + "bytes"), refused(file).getMessage());
        assertTrue(refused(reversed).getMessage().contains("at data_offsets [8, 0]: the offsets do not span"));
    }

    @Test
    void aMalformedHeaderIsRefusedNamingWhatIsWrong(@TempDir Path tmp) throws Exception {
        Path notJson = written(tmp, "not-json.safetensors", "{\"a\":", 0);
        Path noShape = written(tmp, "no-shape.safetensors", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4);
        Path negative = written(tmp, "negative.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4);
        Path array = written(tmp, "array.safetensors", "[1, 2]", 0);

        assertTrue(refused(notJson).getMessage().contains("has a header that is not valid JSON"));
        assertTrue(refused(noShape).getMessage().contains("describes tensor 'a' with 'shape' missing: at most 64 "
                + "non-negative integers expected"), refused(noShape).getMessage());
        assertTrue(refused(negative).getMessage().contains("describes tensor 'a' with 'shape' [-1]"));
        assertTrue(refused(array).getMessage().contains("has a header that is not a JSON object"));
    }
}
