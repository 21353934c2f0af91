package org.quaterion.search;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The full-precision rows of a {@code size × dimension} little-endian float32 file, memory-mapped read-only: a lookup
 * copies only the rows asked for, and the operating system pages in only the parts read (the file is never loaded
 * onto the heap). Lookups are thread-safe (absolute reads of shared read-only buffers).
 */
final class FloatRows {

    /** The most bytes one mapping covers. */
    private static final long MAX_MAPPING = Integer.MAX_VALUE;

    private final FloatBuffer[] segments;
    private final int rowsPerSegment;
    private final int dimension;
    private final int size;

    private FloatRows(FloatBuffer[] segments, int rowsPerSegment, int dimension, int size) {
        this.segments = segments;
        this.rowsPerSegment = rowsPerSegment;
        this.dimension = dimension;
        this.size = size;
    }

    /**
     * Maps a file whose size was checked against {@code size × dimension × 4} bytes.
     *
     * @param file the file
     * @param size rows
     * @param dimension values per row
     * @return the rows
     * @throws IOException when the file cannot be mapped or has another size
     */
    static FloatRows map(Path file, int size, int dimension) throws IOException {
        long rowBytes = 4L * dimension;
        if (Files.size(file) != rowBytes * size) {
            throw new IOException(file + " has " + Files.size(file) + " bytes, not the " + rowBytes * size
                    + " of " + size + " rows of " + dimension + " float32 values");
        }
        int rowsPerSegment = (int) Math.min(size, MAX_MAPPING / rowBytes);
        int count = (size + rowsPerSegment - 1) / rowsPerSegment;
        FloatBuffer[] segments = new FloatBuffer[count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int s = 0; s < count; s++) {
                long first = (long) s * rowsPerSegment;
                long rows = Math.min(rowsPerSegment, size - first);
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, first * rowBytes,
                        rows * rowBytes);
                segments[s] = mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            }
        }
        return new FloatRows(segments, rowsPerSegment, dimension, size);
    }

    /** Number of rows. */
    int size() {
        return size;
    }

    /** Values per row. */
    int dimension() {
        return dimension;
    }

    /**
     * Copies rows.
     *
     * @param indices row numbers in {@code [0, size)}
     * @return {@code indices.length × dimension} values, row-major
     */
    float[] rows(long[] indices) {
        float[] out = new float[Math.multiplyExact(indices.length, dimension)];
        for (int i = 0; i < indices.length; i++) {
            long row = indices[i];
            if (row < 0 || row >= size) {
                throw new IndexOutOfBoundsException("row " + row + " of " + size);
            }
            FloatBuffer segment = segments[(int) (row / rowsPerSegment)];
            segment.get((int) (row % rowsPerSegment) * dimension, out, i * dimension, dimension);
        }
        return out;
    }

    /**
     * Copies consecutive rows.
     *
     * @param from first row
     * @param to end row (exclusive)
     * @return {@code (to − from) × dimension} values, row-major
     */
    float[] range(int from, int to) {
        long[] indices = new long[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return rows(indices);
    }
}
