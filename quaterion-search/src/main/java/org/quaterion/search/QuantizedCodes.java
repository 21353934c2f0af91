package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A gallery's codes in native memory and how queries score against them, larger = closer, in tensor ops only.
 * INT8: {@code x ≈ offset + scale·(code + 128)}, so {@code q·x} ranks as {@code (q∘scale)·code} (the rest is the same
 * for every row): a chunk of codes is cast to float32 and multiplied with the weighted queries. BINARY:
 * {@code x ≈ offset + scale·s} with {@code s = ±1}, so {@code q·x} ranks as {@code (q∘scale)·s} (bit j of byte b is
 * dimension 8b + j). For a few queries, each query's partial score of all 256 values of each byte position is one
 * small product with the 256 × 8 table of ±1 bits, and a row's score is the sum of the entries its bytes pick
 * ({@code gather}: d/8 lookups per row instead of d products); for many queries, a chunk is unpacked once into ±1
 * through that table and multiplied with all of them.
 */
final class QuantizedCodes {

    /** Rows per scoring chunk: the chunk's float32 copy stays near 8 MiB, under glibc's mmap threshold. */
    private static final long CHUNK_BYTES = 8L << 20;
    /**
     * BINARY, up to this many queries: each query's 256 partial scores per byte position are looked up by the codes
     * ({@code m·n·d/8} gathers); more queries share one unpacked ±1 copy of the chunk and a matrix product instead.
     */
    static final int GATHER_QUERIES = 8;

    private final Calibration calibration;
    /** INT8: {@code (n, d)} int8; BINARY: {@code (n, ⌈d/8⌉)} uint8. */
    private final NDArray codes;
    /** BINARY: {@code (256, 8)} float32 ±1 per bit of a byte; null for INT8. */
    private final NDArray bits;
    private final NDArray scale;
    private final int size;
    private final int chunkRows;

    /**
     * Wraps codes made by {@link #encode} (concatenated) and owned by {@code manager}.
     *
     * @param calibration the constants the codes were made with
     * @param codes the codes
     * @param manager the manager that owns the codes and the arrays made here
     */
    QuantizedCodes(Calibration calibration, NDArray codes, NDManager manager) {
        this.calibration = calibration;
        this.codes = codes;
        this.size = Math.toIntExact(codes.getShape().get(0));
        int width = unpackedWidth(calibration);
        this.chunkRows = (int) Math.max(256, CHUNK_BYTES / (4L * width));
        this.scale = manager.create(pad(calibration.scale(), width)).reshape(1, width);
        if (calibration.kind() == Quantization.BINARY) {
            float[] table = new float[256 * 8];
            for (int v = 0; v < 256; v++) {
                for (int j = 0; j < 8; j++) {
                    table[v * 8 + j] = ((v >> j) & 1) == 1 ? 1f : -1f;
                }
            }
            this.bits = manager.create(table, new Shape(256, 8));
        } else {
            this.bits = null;
        }
    }

    /**
     * Codes of ranking-form rows.
     *
     * @param calibration the constants
     * @param ranked {@code (m, d)} ranking-form vectors
     * @return INT8: {@code (m, d)} int8; BINARY: {@code (m, ⌈d/8⌉)} uint8 (in {@code ranked}'s manager)
     */
    static NDArray encode(Calibration calibration, NDArray ranked) {
        NDManager manager = ranked.getManager();
        int d = calibration.dimension();
        NDArray offset = manager.create(calibration.offset()).reshape(1, d);
        if (calibration.kind() == Quantization.INT8) {
            NDArray step = manager.create(calibration.scale()).reshape(1, d);
            return ranked.sub(offset).div(step).round().clip(0, 255).sub(128).toType(DataType.INT8, false);
        }
        long m = ranked.getShape().get(0);
        int width = unpackedWidth(calibration);
        NDArray signs = ranked.sub(offset).gt(0).toType(DataType.FLOAT32, false);
        if (width > d) {
            signs = NDArrays.concat(new NDList(signs, manager.zeros(new Shape(m, width - d))), 1);
        }
        NDArray weights = manager.create(new float[] {1, 2, 4, 8, 16, 32, 64, 128}).reshape(1, 1, 8);
        return signs.reshape(m, width / 8, 8).mul(weights).sum(new int[] {2}).toType(DataType.UINT8, false);
    }

    /** Columns of the unpacked codes: the dimension, rounded up to a multiple of 8 for BINARY. */
    private static int unpackedWidth(Calibration calibration) {
        int d = calibration.dimension();
        return calibration.kind() == Quantization.BINARY ? (d + 7) / 8 * 8 : d;
    }

    private static float[] pad(float[] values, int width) {
        return java.util.Arrays.copyOf(values, width);
    }

    /**
     * Encodes rows delivered chunk by chunk (the full-precision file read once, never held whole) and keeps their
     * codes: {@code add} each chunk in row order, then {@code build}.
     */
    static final class Builder {
        private final Calibration calibration;
        private final InnerProductRanking ranking;
        private final int dimension;
        private final NDManager manager;
        private final NDList chunks = new NDList();

        /**
         * Starts with no rows.
         *
         * @param calibration the constants (of the ranking form of {@code distance})
         * @param distance the distance whose ranking form is coded
         * @param dimension values per full-precision row
         * @param manager owns the codes
         */
        Builder(Calibration calibration, org.quaterion.distance.Distance distance, int dimension,
                NDManager manager) {
            this.calibration = calibration;
            this.ranking = InnerProductRanking.of(distance);
            this.dimension = dimension;
            this.manager = manager;
        }

        /**
         * Encodes rows.
         *
         * @param values {@code rows × dimension} float32, row-major
         * @param rows rows in {@code values}
         */
        void add(float[] values, int rows) {
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                float[] exact = values.length == rows * dimension ? values
                        : java.util.Arrays.copyOf(values, rows * dimension);
                NDArray x = manager.create(exact, new Shape(rows, dimension));
                NDArray code = encode(calibration, ranking.gallery(x));
                ai.djl.ndarray.NDScope.unregister(code);
                chunks.add(code);
            }
        }

        /**
         * The codes of every row added.
         *
         * @return the codes
         */
        QuantizedCodes build() {
            NDArray all = chunks.size() == 1 ? chunks.get(0) : NDArrays.concat(chunks, 0);
            if (chunks.size() > 1) {
                chunks.close();
            }
            return new QuantizedCodes(calibration, all, manager);
        }
    }

    /** The quantisation of the codes. */
    Quantization kind() {
        return calibration.kind();
    }

    /** Number of coded rows. */
    int size() {
        return size;
    }

    /** Rows per chunk of {@link #scores}. */
    int chunkRows() {
        return chunkRows;
    }

    /** Bytes the codes take in memory. */
    long bytes() {
        return codes.getShape().size() * codes.getDataType().getNumOfBytes();
    }

    /**
     * The queries' side of the scores: each ranking-form dimension weighted by its scale (BINARY: padded with zeros to
     * the unpacked width).
     *
     * @param rankedQueries {@code (m, d)}
     * @return {@code (m, width)}
     */
    NDArray queries(NDArray rankedQueries) {
        NDArray q = rankedQueries;
        int width = unpackedWidth(calibration);
        if (width > calibration.dimension()) {
            q = NDArrays.concat(new NDList(q, q.getManager().zeros(new Shape(q.getShape().get(0),
                    width - calibration.dimension()))), 1);
        }
        return q.mul(scale);
    }

    /**
     * Scores of weighted queries against rows {@code [from, to)}, larger = closer (each query's scores are shifted by
     * a constant, so they rank but are no distances).
     *
     * @param weighted {@code (m, width)} from {@link #queries}
     * @param from first row
     * @param to end row (exclusive)
     * @return {@code (m, to − from)} float32 (run inside an {@code NDScope}: the chunk's copies belong to the codes'
     *     manager)
     */
    NDArray scores(NDArray weighted, long from, long to) {
        NDArray chunk = codes.get(from + ":" + to);
        NDArray values;
        if (bits == null) {
            values = chunk.toType(DataType.FLOAT32, false);
        } else if (weighted.getShape().get(0) > GATHER_QUERIES) {
            NDArray unpacked = bits.get(new NDIndex("{}", chunk.toType(DataType.INT64, false)));
            values = unpacked.reshape(to - from, unpacked.getShape().get(1) * 8);
        } else {
            long m = weighted.getShape().get(0);
            long bytes = chunk.getShape().get(1);
            // per query and byte position, the partial score of each of the 256 byte values: (m, B, 256)
            NDArray table = weighted.reshape(m, bytes, 8).matMul(bits.transpose());
            NDArray index = chunk.toType(DataType.INT64, false).reshape(1, to - from, bytes, 1)
                    .broadcast(m, to - from, bytes, 1);
            NDArray picked = table.reshape(m, 1, bytes, 256).broadcast(m, to - from, bytes, 256).gather(index, 3);
            return picked.sum(new int[] {2, 3});
        }
        return weighted.matMul(values.transpose());
    }
}
