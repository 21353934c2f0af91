package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.quaterion.distance.Distance;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * α-weighted query expansion (αQE, Radenović et al.), a re-ranking step: each query is replaced by itself plus its
 * {@code n} nearest gallery items weighted by {@code max(0, cos)^α}, and searched again. {@code α = 0} is average
 * query expansion. Defined on cosine similarity: the distance must be cosine (or normalised dot product).
 *
 * @param neighbours how many top items expand a query, at least 1
 * @param alpha the weight exponent, at least 0
 */
public record QueryExpansion(int neighbours, double alpha) implements Reranking {

    /** Checks the settings. */
    public QueryExpansion {
        if (neighbours < 1 || !(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("query expansion needs neighbours >= 1 and a finite alpha >= 0, got "
                    + neighbours + " and " + alpha);
        }
    }

    /**
     * Expands the queries with their nearest gallery items.
     *
     * @param queries {@code (m, d)}
     * @param gallery {@code (n, d)}
     * @param selfIndex each query's own gallery row (excluded from its neighbours), or null
     * @param distance cosine
     * @return the expanded queries {@code (m, d)}, attached to the queries' manager
     */
    public NDArray expand(NDArray queries, NDArray gallery, long[] selfIndex, Distance distance) {
        if (distance.kind() != Distance.Kind.COSINE) {
            throw new IllegalArgumentException("query expansion weighs neighbours by cosine similarity: use "
                    + "Distance.cosine(), not " + distance.config());
        }
        KnnResult top = new ExactKnn(distance).search(queries, gallery, neighbours, selfIndex);
        NDManager manager = queries.getManager();
        int m = top.queries();
        int k = top.k();
        long[] rows = new long[m * k];
        double[] weights = new double[m * k];
        for (int q = 0; q < m; q++) {
            for (int r = 0; r < k; r++) {
                long row = top.indices()[q][r];
                rows[q * k + r] = Math.max(row, 0);
                // cosine distance is 1 − cos: the weight is max(0, cos)^α, 0 for a missing neighbour
                weights[q * k + r] = row < 0 ? 0 : Math.pow(Math.max(0, 1 - top.distances()[q][r]), alpha);
            }
        }
        NDArray expanded;
        try (NDScope scope = new NDScope()) {
            NDArray unit = unit(gallery);
            NDArray neighbourRows = unit.get(manager.create(rows)).reshape(m, k, gallery.getShape().get(1));
            NDArray w = manager.create(weights, new Shape(m, k, 1)).toType(gallery.getDataType(), false);
            expanded = unit(queries).add(neighbourRows.mul(w).sum(new int[] {1}));
            NDScope.unregister(expanded);
        }
        return expanded;
    }

    /**
     * Expands the queries and searches again (as {@link Reranking#search}).
     *
     * @param queries {@code (m, d)}
     * @param gallery {@code (n, d)}
     * @param k results per query
     * @param selfIndex each query's own gallery row (excluded), or null
     * @param distance cosine
     * @return the re-ranked neighbours
     */
    @Override
    public KnnResult search(NDArray queries, NDArray gallery, int k, long[] selfIndex, Distance distance) {
        try (NDManager call = queries.getManager().newSubManager()) {
            NDArray q = queries.duplicate();
            q.attach(call);
            return new ExactKnn(distance).search(expand(q, gallery, selfIndex, distance), gallery, k, selfIndex);
        }
    }

    private static NDArray unit(NDArray x) {
        return x.div(Scalars.max(x.norm(new int[] {1}, true), 1e-12)).toType(x.getDataType(), false);
    }
}
