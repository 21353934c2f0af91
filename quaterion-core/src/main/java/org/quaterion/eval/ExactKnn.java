package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;

/**
 * Exact k-nearest-neighbour search that never materialises the query × gallery matrix: query blocks × gallery
 * blocks, each block's distances by one matrix product, {@code topK} per block and a running top-k merge. Memory is
 * {@code O(nq·k + queryBlock·galleryBlock)}; any {@link Distance} works (smaller = closer). Leave-one-out and
 * items that are both query and gallery exclude themselves by index (never by distance, so duplicates are safe).
 * Thread-safe; every block's arrays are freed before the next.
 */
public final class ExactKnn {

    /** Default block edge: a 2048 × 2048 float32 block is 16 MiB. */
    public static final int DEFAULT_BLOCK = 2048;

    private final Distance distance;
    private final int queryBlock;
    private final int galleryBlock;

    /**
     * Creates the search.
     *
     * @param distance the distance
     * @param queryBlock queries per block, at least 1
     * @param galleryBlock gallery items per block, at least 1
     */
    public ExactKnn(Distance distance, int queryBlock, int galleryBlock) {
        if (queryBlock < 1 || galleryBlock < 1) {
            throw new IllegalArgumentException("block sizes must be >= 1, got " + queryBlock + " and " + galleryBlock);
        }
        this.distance = distance;
        this.queryBlock = queryBlock;
        this.galleryBlock = galleryBlock;
    }

    /**
     * Creates the search with {@link #DEFAULT_BLOCK} blocks.
     *
     * @param distance the distance
     */
    public ExactKnn(Distance distance) {
        this(distance, DEFAULT_BLOCK, DEFAULT_BLOCK);
    }

    /**
     * The largest number of bytes one block's distance matrix and its top-k working set take
     * ({@code queryBlock·galleryBlock} entries, a few intermediates of that size).
     *
     * @param bytesPerValue 4 for float32, 8 for float64
     * @return the bound in bytes
     */
    public long blockBytes(int bytesPerValue) {
        return 4L * queryBlock * galleryBlock * bytesPerValue;
    }

    /**
     * Searches the k nearest gallery items of each query.
     *
     * @param queries {@code (nq, d)}
     * @param gallery {@code (ng, d)}, at least one row
     * @param k neighbours per query, at least 1 (results hold {@code min(k, available)} valid entries)
     * @param selfIndex for each query its own index in the gallery (excluded), or -1; null when queries and gallery
     *     are disjoint
     * @return indices and distances, nearest first
     */
    public KnnResult search(NDArray queries, NDArray gallery, int k, long[] selfIndex) {
        check(queries, gallery, k, selfIndex);
        int nq = (int) queries.getShape().get(0);
        int ng = (int) gallery.getShape().get(0);
        int kk = Math.min(k, ng);
        long[][] indices = new long[nq][];
        double[][] distances = new double[nq][];
        NDManager manager = queries.getManager();
        for (int qs = 0; qs < nq; qs += queryBlock) {
            int qe = Math.min(nq, qs + queryBlock);
            try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
                NDArray q = queries.get(qs + ":" + qe).stopGradient();
                NDArray bestD = null;
                NDArray bestI = null;
                NDArray self = selfIndex == null ? null
                        : sub.create(java.util.Arrays.copyOfRange(selfIndex, qs, qe)).expandDims(1);
                for (int gs = 0; gs < ng; gs += galleryBlock) {
                    int ge = Math.min(ng, gs + galleryBlock);
                    NDArray d = distance.matrix(q, gallery.get(gs + ":" + ge).stopGradient());
                    if (self != null) {
                        NDArray ids = sub.arange((long) gs, (long) ge, 1L, DataType.INT64).expandDims(0);
                        NDArray own = self.eq(ids).broadcast(d.getShape());
                        d = NDArrays.where(own, d.zerosLike().add(Double.POSITIVE_INFINITY), d);
                    }
                    NDArray vals;
                    NDArray idx;
                    if (kk == 1) {
                        vals = d.min(new int[] {1}, true);
                        idx = d.argMin(1).expandDims(1).toType(DataType.INT64, false).add(gs);
                    } else {
                        NDList top = d.topK(Math.min(kk, ge - gs), 1, false, true);
                        vals = top.get(0);
                        idx = top.get(1).toType(DataType.INT64, false).add(gs);
                    }
                    if (bestD == null) {
                        bestD = vals;
                        bestI = idx;
                    } else {
                        NDArray allD = NDArrays.concat(new NDList(bestD, vals), 1);
                        NDArray allI = NDArrays.concat(new NDList(bestI, idx), 1);
                        NDList merged = allD.topK(Math.min(kk, (int) allD.getShape().get(1)), 1, false, true);
                        bestD = merged.get(0);
                        bestI = gather(allI, merged.get(1).toType(DataType.INT64, false));
                    }
                }
                double[] dv = bestD.toType(DataType.FLOAT64, false).toDoubleArray();
                long[] iv = bestI.toLongArray();
                int width = (int) bestD.getShape().get(1);
                for (int r = 0; r < qe - qs; r++) {
                    long[] ri = new long[kk];
                    double[] rd = new double[kk];
                    for (int c = 0; c < kk; c++) {
                        double v = c < width ? dv[r * width + c] : Double.POSITIVE_INFINITY;
                        rd[c] = v;
                        ri[c] = c < width && v != Double.POSITIVE_INFINITY ? iv[r * width + c] : -1;
                    }
                    indices[qs + r] = ri;
                    distances[qs + r] = rd;
                }
            }
        }
        return new KnnResult(indices, distances);
    }

    private static NDArray gather(NDArray values, NDArray columns) {
        long rows = values.getShape().get(0);
        long width = values.getShape().get(1);
        NDArray offsets = values.getManager().arange(0L, rows, 1L, DataType.INT64).mul(width).expandDims(1);
        return values.reshape(-1).get(columns.add(offsets).reshape(-1)).reshape(columns.getShape());
    }

    private static void check(NDArray queries, NDArray gallery, int k, long[] selfIndex) {
        if (gallery == null || gallery.getShape().dimension() != 2 || gallery.getShape().get(0) == 0) {
            throw new IllegalArgumentException("the gallery is empty: give at least one gallery embedding (n, d)");
        }
        if (queries == null || queries.getShape().dimension() != 2) {
            throw new IllegalArgumentException("queries must be (n, d), got " + (queries == null ? null
                    : queries.getShape()));
        }
        if (queries.getShape().get(1) != gallery.getShape().get(1)) {
            throw new IllegalArgumentException("query and gallery dimensions differ: " + queries.getShape().get(1)
                    + " vs " + gallery.getShape().get(1) + "; encode both with the same model");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (selfIndex != null && selfIndex.length != queries.getShape().get(0)) {
            throw new IllegalArgumentException("selfIndex has " + selfIndex.length + " entries for "
                    + queries.getShape().get(0) + " queries");
        }
    }
}
