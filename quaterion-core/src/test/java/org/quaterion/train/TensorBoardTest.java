package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.TripletLoss;

/**
 * TensorBoard event files read back by a reader written here, independent of the writer: TFRecord framing with
 * masked CRC-32C (a bitwise CRC-32C checked against its published test vector), and the Event / Summary / Value
 * messages decoded by field number as in TensorBoard's event.proto and summary.proto. (TensorBoard itself cannot be
 * installed on these machines.)
 */
class TensorBoardTest {

    @TempDir
    Path tmp;

    /** Bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). */
    private static int crc32c(byte[] data) {
        int crc = 0xFFFFFFFF;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return ~crc;
    }

    private static int masked(byte[] data) {
        int c = crc32c(data);
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** One decoded event: wall time, step, file version or (tag, value). */
    private record Event(double wallTime, long step, String fileVersion, String tag, float value) {}

    private static List<Event> read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> out = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] lengthBytes = new byte[8];
            in.get(lengthBytes);
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(masked(lengthBytes), in.getInt(), "length CRC");
            byte[] data = new byte[(int) length];
            in.get(data);
            assertEquals(masked(data), in.getInt(), "data CRC");
            out.add(event(data));
        }
        return out;
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0;; shift += 7) {
            int x = b.get() & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }

    private static Event event(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double wall = 0;
        long step = 0;
        String version = null;
        String tag = null;
        float value = Float.NaN;
        while (b.hasRemaining()) {
            long key = varint(b);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 1) {
                wall = b.getDouble();
            } else if (field == 2 && wire == 0) {
                step = varint(b);
            } else if (field == 3 && wire == 2) {
                byte[] s = new byte[(int) varint(b)];
                b.get(s);
                version = new String(s, StandardCharsets.UTF_8);
            } else if (field == 5 && wire == 2) { // Summary
                int len = (int) varint(b);
                ByteBuffer summary = b.slice().order(ByteOrder.LITTLE_ENDIAN).limit(len);
                b.position(b.position() + len);
                assertEquals(1 << 3 | 2, varint(summary), "Summary.value = 1");
                int valueLength = (int) varint(summary);
                ByteBuffer v = summary.slice().order(ByteOrder.LITTLE_ENDIAN).limit(valueLength);
                while (v.hasRemaining()) {
                    long k = varint(v);
                    if (k == (1 << 3 | 2)) { // Value.tag = 1
                        byte[] s = new byte[(int) varint(v)];
                        v.get(s);
                        tag = new String(s, StandardCharsets.UTF_8);
                    } else if (k == (2 << 3 | 5)) { // Value.simple_value = 2
                        value = v.getFloat();
                    } else {
                        throw new AssertionError("unexpected Value field " + k);
                    }
                }
            } else {
                throw new AssertionError("unexpected Event field " + field + " wire " + wire);
            }
        }
        return new Event(wall, step, version, tag, value);
    }

    @Test
    void crcOfThePublishedVectorAndTheWritersMask() {
        byte[] vector = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, crc32c(vector), "CRC-32C check value");
        assertEquals(masked(vector), TensorBoardWriter.maskedCrc(vector));
    }

    @Test
    void aFitWritesStepLossesAndEpochValues() throws Exception {
        Path logs = tmp.resolve("tb");
        FitResult result;
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false)
                    .withEarlyStopping(null).withTensorBoard(logs), new GroupSimilarityDataLoader<>(
                            TrainingTest.groups(20, 2), LoaderOptions.batchSize(20).withShuffle(1)), null);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(logs)) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."), files.toString());
        List<Event> events = read(files.get(0));
        assertEquals("brain.Event:2", events.get(0).fileVersion());
        List<Event> steps = events.stream().filter(e -> "train_loss_step".equals(e.tag())).toList();
        assertEquals(result.stepLosses().size(), steps.size());
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(i, steps.get(i).step());
            assertEquals((float) (double) result.stepLosses().get(i), steps.get(i).value());
            assertTrue(steps.get(i).wallTime() > 1.7e9, "seconds since 1970");
        }
        List<Event> epochs = events.stream().filter(e -> "train_loss".equals(e.tag())).toList();
        assertEquals(2, epochs.size());
        assertEquals((float) (double) result.epochs().get(1).get("train_loss"), epochs.get(1).value());
        assertEquals(result.stepLosses().size(), epochs.get(1).step(), "epoch values at the global step");
    }
}
