package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.models.concurrent.CloseGate;

/**
 * Exact k-nearest-neighbour search that never materialises the query × gallery matrix: query blocks × gallery
 * blocks, each block's distances by one matrix product, {@code topK} per block and a running top-k merge. Memory is
 * {@code O(nq·k + queryBlock·galleryBlock)}; any {@link Distance} works (smaller = closer). Leave-one-out and
 * items that are both query and gallery exclude themselves by index (never by distance, so duplicates are safe).
 * Thread-safe; every block's arrays are freed before the next.
 */
public final class ExactKnn {

    /** Default queries per block. */
    public static final int DEFAULT_QUERY_BLOCK = 128;

    /**
     * Default gallery items per block: wide, so that a gallery of up to 61,440 items is one block (no merges) and the
     * chunked top-k has room to skip most columns, yet a 128 × 61,440 float32 score block (30 MiB) stays under glibc's
     * 32 MiB ceiling for its dynamic mmap threshold. At 32 MiB and above every block is a fresh mmap whose pages fault
     * in on first write: 128 × 65,536 blocks of d = 64 measured 74 ms per product against 27 ms per 64 × 65,536 half.
     */
    public static final int DEFAULT_GALLERY_BLOCK = 61_440;

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
     * Creates the search with the default blocks ({@link #DEFAULT_QUERY_BLOCK} × {@link #DEFAULT_GALLERY_BLOCK}).
     *
     * @param distance the distance
     */
    public ExactKnn(Distance distance) {
        this(distance, DEFAULT_QUERY_BLOCK, DEFAULT_GALLERY_BLOCK);
    }

    /**
     * The distance this search ranks by.
     *
     * @return the distance
     */
    public Distance distance() {
        return distance;
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
        checkGallery(gallery);
        checkQueries(queries, gallery.getShape().get(1), k, selfIndex);
        try (Prepared prepared = prepareIn(gallery, queries.getManager().newSubManager())) {
            return searchPrepared(queries, prepared, k, selfIndex);
        }
    }

    /**
     * A gallery in this search's ranking form, made once for many searches (a serving index): each search then
     * costs the products and the top-k only, not a pass over the gallery. Read-only and safe to share between
     * threads; close it to free its copy. Closing waits for the searches in flight; a search after close throws
     * {@code IllegalStateException("ExactKnn.Prepared is closed")}.
     */
    public static final class Prepared implements AutoCloseable {
        private final CloseGate gate = new CloseGate("ExactKnn.Prepared");
        private final Distance distance;
        private final NDManager manager;
        private final NDArray ranked;
        private final long dimension;
        private final int size;

        private Prepared(Distance distance, NDManager manager, NDArray ranked, long dimension) {
            this.distance = distance;
            this.manager = manager;
            this.ranked = ranked;
            this.dimension = dimension;
            this.size = Math.toIntExact(ranked.getShape().get(0));
        }

        /**
         * Number of gallery items.
         *
         * @return the count
         */
        public int size() {
            return size;
        }

        /** Bytes of the prepared copy. */
        long bytes() {
            return ranked.getShape().size() * ranked.getDataType().getNumOfBytes();
        }

        /** Frees the prepared copy once the searches in flight have ended; a second close does nothing. */
        @Override
        public void close() {
            gate.close(manager::close);
        }
    }

    /**
     * Prepares a gallery for repeated {@link #search(NDArray, Prepared, int, long[])} calls.
     *
     * @param gallery {@code (ng, d)}, at least one finite row
     * @return the prepared gallery (a copy; the input may be closed)
     */
    public Prepared prepare(NDArray gallery) {
        checkGallery(gallery);
        return prepareIn(gallery, gallery.getManager().newSubManager());
    }

    /**
     * Searches a prepared gallery, as {@link #search(NDArray, NDArray, int, long[])} does.
     *
     * @param queries {@code (nq, d)}
     * @param gallery prepared by a search with the same distance
     * @param k neighbours per query, at least 1
     * @param selfIndex for each query its own index in the gallery (excluded), or -1; null when disjoint
     * @return indices and distances, nearest first
     */
    public KnnResult search(NDArray queries, Prepared gallery, int k, long[] selfIndex) {
        if (!gallery.distance.equals(distance)) {
            throw new IllegalArgumentException("the gallery was prepared for " + gallery.distance.config()
                    + ", this search uses " + distance.config() + ": prepare it with this search");
        }
        try (CloseGate.Pass pass = gallery.gate.enter()) {
            checkQueries(queries, gallery.dimension, k, selfIndex);
            return searchPrepared(queries, gallery, k, selfIndex);
        }
    }

    private Prepared prepareIn(NDArray gallery, NDManager manager) {
        InnerProductRanking ranking = InnerProductRanking.of(distance);
        try (NDScope scope = new NDScope()) {
            NDArray ranked = ranking == null ? gallery.stopGradient().duplicate() : ranking.gallery(gallery);
            NDScope.unregister(ranked);
            ranked.attach(manager);
            return new Prepared(distance, manager, ranked, gallery.getShape().get(1));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private KnnResult searchPrepared(NDArray queries, Prepared gallery, int k, long[] selfIndex) {
        int nq = (int) queries.getShape().get(0);
        int kk = Math.min(k, gallery.size());
        long[][] indices = new long[nq][];
        double[][] distances = new double[nq][];
        InnerProductRanking ranking = InnerProductRanking.of(distance);
        for (int qs = 0; qs < nq; qs += queryBlock) {
            int qe = Math.min(nq, qs + queryBlock);
            searchBlock(queries, gallery.ranked, ranking, kk, selfIndex, qs, qe, indices, distances);
        }
        return new KnnResult(indices, distances);
    }

    /** Searches queries {@code [qs, qe)} against every gallery block and writes their rows of the result. */
    private void searchBlock(NDArray queries, NDArray rankedGallery, InnerProductRanking ranking, int kk,
            long[] selfIndex, int qs, int qe, long[][] indices, double[][] distances) {
        int ng = (int) rankedGallery.getShape().get(0);
        // a query that is in the gallery is found as its own neighbour and dropped afterwards: one more neighbour
        // instead of masking every score block
        int depth = Math.min(ng, kk + (hasSelf(selfIndex, qs, qe) ? 1 : 0));
        // Manhattan has no matrix-product form: its (q, g, d) difference tensor is kept near 4 Mi entries
        int step = ranking != null ? galleryBlock : (int) Math.max(1, Math.min(galleryBlock,
                (4L << 20) / ((long) (qe - qs) * queries.getShape().get(1))));
        try (NDScope scope = new NDScope(); RunningTopK best = new RunningTopK(depth)) {
            NDArray q = queries.get(qs + ":" + qe).stopGradient();
            NDArray rankedQueries = ranking == null ? q : ranking.queries(q);
            for (int gs = 0; gs < ng; gs += step) {
                int ge = Math.min(ng, gs + step);
                NDArray g = rankedGallery.get(gs + ":" + ge);
                // scores: larger = closer
                best.offer(ranking == null ? distance.matrix(q, g).neg() : rankedQueries.matMul(g.transpose()), gs);
            }
            NDArray bestS = best.values();
            NDArray bestI = best.indices();
            NDArray bestD = ranking == null ? bestS.neg() : ranking.distances(bestS, rankedQueries);
            double[] dv = bestD.toType(DataType.FLOAT64, false).toDoubleArray();
            long[] iv = bestI.toLongArray();
            int width = (int) bestD.getShape().get(1);
            for (int r = 0; r < qe - qs; r++) {
                long own = selfIndex == null ? -1 : selfIndex[qs + r];
                long[] ri = new long[kk];
                double[] rd = new double[kk];
                int c = 0;
                for (int col = 0; col < width && c < kk; col++) {
                    long index = iv[r * width + col];
                    double v = dv[r * width + col];
                    if (index == own || v == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    ri[c] = index;
                    rd[c++] = v;
                }
                for (; c < kk; c++) {
                    ri[c] = -1;
                    rd[c] = Double.POSITIVE_INFINITY;
                }
                indices[qs + r] = ri;
                distances[qs + r] = rd;
            }
        }
    }

    /** Whether any of queries {@code [qs, qe)} is in the gallery. */
    private static boolean hasSelf(long[] selfIndex, int qs, int qe) {
        if (selfIndex == null) {
            return false;
        }
        for (int i = qs; i < qe; i++) {
            if (selfIndex[i] >= 0) {
                return true;
            }
        }
        return false;
    }

    private static void checkGallery(NDArray gallery) {
        if (gallery == null || gallery.getShape().dimension() != 2 || gallery.getShape().get(0) == 0) {
            throw new IllegalArgumentException("the gallery is empty: give at least one gallery embedding (n, d)");
        }
        checkFinite(gallery, "the gallery");
    }

    static void checkFinite(NDArray x, String what) {
        try (NDScope scope = new NDScope()) {
            // one pass, no (n, d) temporaries: a NaN or ±∞ anywhere makes its row sum non-finite (the exact
            // element check then tells a bad value from a finite sum that overflowed)
            NDArray rowSums = x.sum(new int[] {1});
            if (rowSums.isInfinite().logicalOr(rowSums.isNaN()).any().getBoolean()
                    && x.isNaN().logicalOr(x.isInfinite()).any().getBoolean()) {
                throw new IllegalArgumentException(what + " contain" + (what.equals("queries") ? "" : "s")
                        + " NaN or infinite values; check the model's output before searching");
            }
        }
    }

    private static void checkQueries(NDArray queries, long dimension, int k, long[] selfIndex) {
        if (queries == null || queries.getShape().dimension() != 2) {
            throw new IllegalArgumentException("queries must be (n, d), got " + (queries == null ? null
                    : queries.getShape()));
        }
        if (queries.getShape().get(1) != dimension) {
            throw new IllegalArgumentException("query and gallery dimensions differ: " + queries.getShape().get(1)
                    + " vs " + dimension + "; encode both with the same model");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        checkFinite(queries, "queries");
        if (selfIndex != null && selfIndex.length != queries.getShape().get(0)) {
            throw new IllegalArgumentException("selfIndex has " + selfIndex.length + " entries for "
                    + queries.getShape().get(0) + " queries");
        }
    }
}
