package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.search.KnnResult;

/**
 * A re-ranking step after the exact search (OML's post-processing; none in Quaterion): {@link QueryExpansion} and
 * {@link KReciprocalReranking}. Used by {@link EmbeddedSample#retrieval(Distance, Reranking)} and so by an
 * {@link Evaluator} through {@code SampleMetric.retrieval(distance, reranking, metric)}.
 */
public interface Reranking {

    /**
     * The k nearest gallery items of each query after re-ranking.
     *
     * @param queries {@code (m, d)}
     * @param gallery {@code (n, d)}
     * @param k results per query
     * @param selfIndex each query's own gallery row (excluded), or null
     * @param distance the distance of the first search
     * @return the re-ranked neighbours, nearest first (distances are the re-ranking's)
     */
    KnnResult search(NDArray queries, NDArray gallery, int k, long[] selfIndex, Distance distance);
}
