package org.quaterion.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format; gzip-compressed when the name ends in {@code .gz}): unsigned
 * byte images as {@code float[]} scaled to [0, 1], and unsigned byte labels.
 */
public final class IdxFiles {

    private IdxFiles() {}

    /**
     * Reads images.
     *
     * @param file an {@code idx3-ubyte} file
     * @param limit the most images to read (or -1 for all)
     * @return one {@code float[rows·cols]} per image, values in [0, 1]
     * @throws IOException when reading fails
     */
    public static float[][] images(Path file, int limit) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IllegalArgumentException(file + " is not an IDX image file (magic " + Integer.toHexString(magic)
                        + ", expected 803)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            int n = limit < 0 ? count : Math.min(count, limit);
            float[][] out = new float[n][rows * cols];
            byte[] buffer = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                in.readFully(buffer);
                for (int j = 0; j < buffer.length; j++) {
                    out[i][j] = (buffer[j] & 0xff) / 255f;
                }
            }
            return out;
        }
    }

    /**
     * Reads labels.
     *
     * @param file an {@code idx1-ubyte} file
     * @param limit the most labels to read (or -1 for all)
     * @return the labels
     * @throws IOException when reading fails
     */
    public static long[] labels(Path file, int limit) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IllegalArgumentException(file + " is not an IDX label file (magic " + Integer.toHexString(magic)
                        + ", expected 801)");
            }
            int count = in.readInt();
            int n = limit < 0 ? count : Math.min(count, limit);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = in.readUnsignedByte();
            }
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no IDX file at " + file);
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
    }
}
