package org.quaterion.rerank.pairwise;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.eval.Reranking;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * The pairwise re-ranker as a {@link Reranking} step of an evaluation: an exact search at least {@code topN} deep,
 * then {@link PairwiseReranker#rerank} of each query's first {@code topN} items on the same vectors (the rest keep
 * the search's order).
 *
 * @param reranker the trained re-ranker (not closed here)
 * @param topN how many leading items of each query to re-score, at least 2
 */
public record PairwiseReranking(PairwiseReranker reranker, int topN) implements Reranking {

    /** Checks the settings. */
    public PairwiseReranking {
        if (reranker == null || topN < 2) {
            throw new IllegalArgumentException("give a re-ranker and topN >= 2; got " + reranker + " and " + topN);
        }
    }

    /**
     * Searches, then re-ranks each query's top n.
     *
     * @param queries {@code (m, d)}
     * @param gallery {@code (n, d)}
     * @param k results per query
     * @param selfIndex each query's own gallery row (excluded), or null
     * @param distance the distance of the first search
     * @return the re-ranked neighbours, k per query
     */
    @Override
    public KnnResult search(NDArray queries, NDArray gallery, int k, long[] selfIndex, Distance distance) {
        KnnResult first = new ExactKnn(distance).search(queries, gallery, Math.max(k, topN), selfIndex);
        KnnResult re = reranker.rerank(first, queries, gallery, topN);
        if (re.k() == k) {
            return re;
        }
        long[][] ids = new long[re.queries()][];
        double[][] d = new double[re.queries()][];
        for (int q = 0; q < ids.length; q++) {
            ids[q] = java.util.Arrays.copyOf(re.indices()[q], k);
            d[q] = java.util.Arrays.copyOf(re.distances()[q], k);
        }
        return new KnnResult(ids, d);
    }
}
