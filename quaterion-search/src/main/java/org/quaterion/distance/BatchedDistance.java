package org.quaterion.distance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * A {@link Distance} computed block by block, PML's {@code BatchedDistance}: the query rows are cut into blocks of
 * at most {@link #blockRows()} rows and each {@code (rows, m)} block of the distance matrix is handed to a callback
 * or turned into rows of a result, so that the whole {@code (n, m)} matrix never exists at once. Each block equals
 * the matching rows of {@code distance.matrix(query, ref)} (the distance of a query row depends on that row and the
 * references only, so the asymmetric {@link Distance#snr() SNR} distance is blocked correctly too).
 *
 * <p>Every array made while a block is processed is freed when the block is done, except what
 * {@link #mapBlocks} keeps; gradients flow through the kept results as through the whole matrix. Immutable and
 * thread-safe.
 */
public final class BatchedDistance {

    /** Receives one block of the distance matrix. */
    @FunctionalInterface
    public interface BlockConsumer {
        /**
         * Uses one block; the block and every array made from it are freed when this returns.
         *
         * @param block {@code (end − start, m)} distances of query rows {@code start} (inclusive) to {@code end}
         * @param start the first query row of the block
         * @param end one past the last query row of the block
         */
        void accept(NDArray block, long start, long end);
    }

    /** Turns one block of the distance matrix into rows of a result. */
    @FunctionalInterface
    public interface BlockFunction {
        /**
         * Maps one block.
         *
         * @param block {@code (end − start, m)} distances of query rows {@code start} to {@code end} (exclusive)
         * @param start the first query row of the block
         * @param end one past the last query row of the block
         * @return the block's result, {@code end − start} rows along axis 0
         */
        NDArray apply(NDArray block, long start, long end);
    }

    private final Distance distance;
    private final int blockRows;

    /**
     * Creates a blocked distance.
     *
     * @param distance the distance
     * @param blockRows query rows per block (PML's {@code batch_size}), at least 1
     * @throws IllegalArgumentException when blockRows is below 1 or distance is null
     */
    public BatchedDistance(Distance distance, int blockRows) {
        if (distance == null) {
            throw new IllegalArgumentException("BatchedDistance needs a distance, e.g. Distance.cosine()");
        }
        if (blockRows < 1) {
            throw new IllegalArgumentException("BatchedDistance needs blockRows >= 1, got " + blockRows);
        }
        this.distance = distance;
        this.blockRows = blockRows;
    }

    /**
     * The distance computed.
     *
     * @return the distance
     */
    public Distance distance() {
        return distance;
    }

    /**
     * The number of query rows per block.
     *
     * @return at least 1
     */
    public int blockRows() {
        return blockRows;
    }

    /**
     * Calls {@code consumer} with each block of {@code distance.matrix(query, ref)}, in row order.
     *
     * @param query {@code (n, d)} query embeddings
     * @param ref {@code (m, d)} reference embeddings, or null for the queries themselves
     * @param consumer receives each block; it must copy (or {@code attach} elsewhere) what it keeps
     */
    public void forEachBlock(NDArray query, NDArray ref, BlockConsumer consumer) {
        run(query, ref, (block, start, end) -> {
            consumer.accept(block, start, end);
            return null;
        });
    }

    /**
     * Maps each block of {@code distance.matrix(query, ref)} to rows of a result and concatenates the results along
     * axis 0: for a per-row reduction (nearest neighbours, a per-anchor loss) the result equals the reduction of the
     * whole matrix, computed with one block of distances in memory at a time.
     *
     * @param query {@code (n, d)} query embeddings
     * @param ref {@code (m, d)} reference embeddings, or null for the queries themselves
     * @param function maps a block to its rows of the result
     * @return the concatenated results, on the query's manager
     */
    public NDArray mapBlocks(NDArray query, NDArray ref, BlockFunction function) {
        NDList parts = run(query, ref, function);
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0);
    }

    private NDList run(NDArray query, NDArray ref, BlockFunction function) {
        NDArray references = ref == null ? query : ref;
        if (query.getShape().dimension() != 2) {
            throw new IllegalArgumentException("BatchedDistance needs 2-d query embeddings (n, d), got "
                    + query.getShape());
        }
        NDManager parent = query.getManager();
        long n = query.getShape().get(0);
        if (n == 0) {
            throw new IllegalArgumentException("BatchedDistance needs at least one query row, got " + query.getShape());
        }
        NDList kept = new NDList();
        for (long start = 0; start < n; start += blockRows) {
            long end = Math.min(n, start + blockRows);
            try (NDManager scope = parent.newSubManager()) {
                // the inputs join the block's scope for its duration, so that every array made from them (the
                // normalised references, the block) is freed with it; they return to their manager afterwards
                query.tempAttach(scope);
                if (references != query) {
                    references.tempAttach(scope);
                }
                NDArray rows = query.get(new NDIndex("{}:{}", start, end));
                NDArray out = function.apply(distance.matrix(rows, references), start, end);
                if (out != null) {
                    out.attach(parent);
                    kept.add(out);
                }
            }
        }
        return kept;
    }

    @Override
    public String toString() {
        return "BatchedDistance{" + distance + ", blockRows=" + blockRows + "}";
    }
}
