package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.quaterion.distance.Distance;

/**
 * The quantised engine: scans the gallery's codes ({@link QuantizedCodes}) chunk by chunk for the
 * {@code rescore × k} best candidates of each query, then ranks the candidates by their exact float32 distances,
 * computed from their full-precision rows read on demand ({@link FloatRows}). Memory is the codes, one chunk's
 * float32 copy and the candidates' rows; hits carry exact distances. Thread-safe.
 */
final class QuantizedNeighbours implements NearestNeighbours {

    /** Queries scored together against one chunk of codes. */
    private static final int QUERY_BLOCK = 64;

    private final Distance distance;
    private final InnerProductRanking ranking;
    private final QuantizedCodes codes;
    private final FloatRows rows;
    private final int rescore;
    /** Owns the codes; closed with the engine. */
    private final NDManager manager;

    /**
     * Wraps codes and rows of the same gallery.
     *
     * @param distance cosine, dot product or Euclidean (an inner-product ranking)
     * @param codes the codes, owned by {@code manager}
     * @param rows the full-precision rows
     * @param rescore candidates per wanted hit, at least 1
     * @param manager closed when the engine is
     */
    QuantizedNeighbours(Distance distance, QuantizedCodes codes, FloatRows rows, int rescore, NDManager manager) {
        this.ranking = InnerProductRanking.of(distance);
        if (ranking == null) {
            throw new IllegalArgumentException(distance + " has no inner-product form: quantised search needs cosine, "
                    + "dot product or Euclidean");
        }
        if (rescore < 1 || codes.size() != rows.size()) {
            throw new IllegalArgumentException("rescore must be >= 1 and the codes (" + codes.size() + " rows) must "
                    + "match the vectors (" + rows.size() + " rows), got rescore " + rescore);
        }
        this.distance = distance;
        this.codes = codes;
        this.rows = rows;
        this.rescore = rescore;
        this.manager = manager;
    }

    /**
     * Which codes are scanned.
     *
     * @return {@code "int8"} or {@code "binary"}
     */
    @Override
    public String engine() {
        return codes.kind().label();
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public Distance distance() {
        return distance;
    }

    /**
     * The codes' bytes.
     *
     * @return bytes in native memory
     */
    @Override
    public long memoryBytes() {
        return codes.bytes();
    }

    /** The codes' quantisation. */
    Quantization quantization() {
        return codes.kind();
    }

    /** Candidates re-ranked per wanted hit. */
    int rescore() {
        return rescore;
    }

    @Override
    public KnnResult search(float[][] queries, int k) {
        try (NDManager call = manager.newSubManager()) {
            return search(ExactNeighbours.matrix(call, queries, rows.dimension()), k);
        }
    }

    @Override
    public KnnResult search(NDArray queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (queries.getShape().dimension() != 2 || queries.getShape().get(1) != rows.dimension()) {
            throw new IllegalArgumentException("queries must be (n, " + rows.dimension() + "), got "
                    + queries.getShape());
        }
        ExactKnn.checkFinite(queries, "queries");
        int nq = Math.toIntExact(queries.getShape().get(0));
        int kk = Math.min(k, size());
        int depth = (int) Math.min(size(), (long) rescore * kk);
        long[][] indices = new long[nq][];
        double[][] distances = new double[nq][];
        for (int qs = 0; qs < nq; qs += QUERY_BLOCK) {
            int qe = Math.min(nq, qs + QUERY_BLOCK);
            try (NDScope scope = new NDScope()) {
                NDArray ranked = ranking.queries(queries.get(qs + ":" + qe).stopGradient());
                long[] candidates = candidates(ranked, depth);
                rescore(ranked, candidates, depth, kk, qs, indices, distances);
            }
        }
        return new KnnResult(indices, distances);
    }

    /** The {@code depth} best rows of each ranking-form query by their codes, {@code (m·depth)} row-major. */
    private long[] candidates(NDArray ranked, int depth) {
        NDArray weighted = codes.queries(ranked);
        try (RunningTopK best = new RunningTopK(depth)) {
            for (long from = 0; from < size(); from += codes.chunkRows()) {
                long to = Math.min(size(), from + codes.chunkRows());
                try (NDScope chunk = new NDScope()) {
                    best.offer(codes.scores(weighted, from, to), from);
                }
            }
            return best.indices().toLongArray();
        }
    }

    /** Ranks each query's candidates by exact distance and writes its best {@code kk} into the result rows. */
    private void rescore(NDArray ranked, long[] candidates, int depth, int kk, int qs, long[][] indices,
            double[][] distances) {
        NDManager m = ranked.getManager();
        int nq = Math.toIntExact(ranked.getShape().get(0));
        NDArray full = m.create(rows.rows(candidates), new Shape(candidates.length, rows.dimension()));
        NDArray gallery = ranking.gallery(full);
        NDArray candidateRows = gallery.reshape(nq, depth, gallery.getShape().get(1));
        NDArray scores = candidateRows.mul(ranked.expandDims(1)).sum(new int[] {2});
        NDList top = scores.topK(kk, 1, true, true);
        NDArray picked = m.create(candidates, new Shape(nq, depth)).gather(top.get(1).toType(DataType.INT64, false),
                1);
        double[] dv = ranking.distances(top.get(0), ranked).toType(DataType.FLOAT64, false).toDoubleArray();
        long[] iv = picked.toLongArray();
        for (int r = 0; r < nq; r++) {
            long[] ri = new long[kk];
            double[] rd = new double[kk];
            System.arraycopy(iv, r * kk, ri, 0, kk);
            System.arraycopy(dv, r * kk, rd, 0, kk);
            indices[qs + r] = ri;
            distances[qs + r] = rd;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
