package org.quaterion.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Scalars in TensorBoard's event-file format, written by hand (no protobuf dependency): a file
 * {@code events.out.tfevents.<seconds>.<host>} of TFRecord records (length, masked CRC-32C of the length, the data,
 * masked CRC-32C of the data), each an {@code Event} message ({@code tensorflow/core/util/event.proto}: wall_time = 1,
 * step = 2, file_version = 3, summary = 5) whose {@code Summary} ({@code summary.proto}: repeated Value value = 1)
 * holds one {@code Value} (tag = 1, simple_value = 2). The first record names the file version
 * {@code brain.Event:2}. Records are appended and flushed as they come, so TensorBoard can follow a running fit.
 */
final class TensorBoardWriter implements AutoCloseable {

    private static final int MASK_DELTA = 0xa282ead8;
    private final OutputStream out;
    private final Path file;

    private TensorBoardWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens a new event file in a directory (created if missing; nothing in it is touched).
     *
     * @param dir the log directory (what {@code tensorboard --logdir} is given)
     * @return the writer
     * @throws IOException when the file cannot be created
     */
    static TensorBoardWriter open(Path dir) throws IOException {
        Files.createDirectories(dir);
        double now = System.currentTimeMillis() / 1000.0;
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        Path file = dir.resolve("events.out.tfevents." + (long) now + "." + host.replaceAll("[^A-Za-z0-9_.-]", "_"));
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        TensorBoardWriter w = new TensorBoardWriter(file, out);
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        fixed64(event, 1, now);
        bytes(event, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        w.record(event.toByteArray());
        return w;
    }

    /**
     * The event file.
     *
     * @return its path
     */
    Path file() {
        return file;
    }

    /**
     * Appends one scalar.
     *
     * @param tag the name TensorBoard shows (e.g. {@code train_loss})
     * @param value the value
     * @param step the x coordinate (the global step)
     * @throws IOException when writing fails
     */
    void scalar(String tag, double value, long step) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        bytes(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        key(v, 2, 5);
        v.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat((float) value).array(), 0, 4);
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytes(summary, 1, v.toByteArray());
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        fixed64(event, 1, System.currentTimeMillis() / 1000.0);
        key(event, 2, 0);
        varint(event, step);
        bytes(event, 5, summary.toByteArray());
        record(event.toByteArray());
    }

    private void record(byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(length)).array());
        out.write(data);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data)).array());
        out.flush();
    }

    /** TFRecord's masked CRC-32C: rotate right by 15 bits, add 0xa282ead8. */
    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private static void key(ByteArrayOutputStream out, int field, int wireType) {
        varint(out, ((long) field << 3) | wireType);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void fixed64(ByteArrayOutputStream out, int field, double value) {
        key(out, field, 1);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array(), 0, 8);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] value) {
        key(out, field, 2);
        varint(out, value.length);
        out.write(value, 0, value.length);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
