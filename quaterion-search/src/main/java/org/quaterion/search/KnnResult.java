package org.quaterion.search;

/**
 * The nearest gallery items of each query, nearest first.
 *
 * @param indices {@code [query][rank]} gallery indices; -1 where fewer than k items were available
 * @param distances {@code [query][rank]} distances; {@code +∞} where the index is -1
 */
public record KnnResult(long[][] indices, double[][] distances) {

    /**
     * Number of queries.
     *
     * @return the count
     */
    public int queries() {
        return indices.length;
    }

    /**
     * The number of neighbours kept per query.
     *
     * @return k (0 when there are no queries)
     */
    public int k() {
        return indices.length == 0 ? 0 : indices[0].length;
    }
}
