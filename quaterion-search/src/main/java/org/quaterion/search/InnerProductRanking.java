package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.quaterion.distance.Distance;
import org.quaterion.models.tensor.Scalars;

/**
 * Rewrites a distance as one inner product for ranking: {@code score(q, g) = q'·g'} with larger = closer, so a
 * block of scores is a single matrix product with no element-wise passes. Cosine ranks by {@code q̂·ĝ}, the dot
 * product by {@code q·g}, and the (squared) Euclidean distance by {@code [q, 1]·[g, −‖g‖²/2] = (‖q‖² − ‖q − g‖²)/2}.
 * Distances are recovered only for the k kept entries. Manhattan has no such form ({@link #of} returns null).
 */
final class InnerProductRanking {

    private final Distance distance;

    private InnerProductRanking(Distance distance) {
        this.distance = distance;
    }

    /**
     * The ranking form of a distance.
     *
     * @param distance the distance
     * @return the form, or null when the distance is not an inner product in disguise
     */
    static InnerProductRanking of(Distance distance) {
        return distance.kind() == Distance.Kind.MANHATTAN || distance.kind() == Distance.Kind.SNR ? null
                : new InnerProductRanking(distance);
    }

    private boolean euclidean() {
        return distance.kind() == Distance.Kind.EUCLIDEAN || distance.kind() == Distance.Kind.SQUARED_EUCLIDEAN;
    }

    /**
     * Values per vector in ranking form.
     *
     * @param dimension values per vector
     * @return {@code dimension + 1} for the Euclidean distances (the half squared norm), else {@code dimension}
     */
    int rankedDimension(int dimension) {
        return euclidean() ? dimension + 1 : dimension;
    }

    private NDArray prepare(NDArray x) {
        return distance.isNormalized() ? x.normalize(2, 1, 1e-12) : x;
    }

    /**
     * The gallery side {@code g'}.
     *
     * @param gallery {@code (m, d)}
     * @return {@code (m, d')}
     */
    NDArray gallery(NDArray gallery) {
        NDArray g = prepare(gallery.stopGradient());
        if (!euclidean()) {
            return g;
        }
        NDArray halfNorms;
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            // the (n, d) square is freed before the (n, d + 1) copy is made
            halfNorms = Scalars.mul(g.square().sum(new int[] {1}, true), -0.5);
            ai.djl.ndarray.NDScope.unregister(halfNorms);
        }
        return NDArrays.concat(new NDList(g, halfNorms), 1);
    }

    /**
     * The query side {@code q'}.
     *
     * @param queries {@code (n, d)}
     * @return {@code (n, d')}
     */
    NDArray queries(NDArray queries) {
        NDArray q = prepare(queries.stopGradient());
        if (!euclidean()) {
            return q;
        }
        return NDArrays.concat(new NDList(q, q.getManager().ones(
                new ai.djl.ndarray.types.Shape(q.getShape().get(0), 1), q.getDataType())), 1);
    }

    /**
     * Distances of kept scores.
     *
     * @param scores {@code (n, k)} scores of the prepared queries
     * @param preparedQueries {@code (n, d')} from {@link #queries}
     * @return {@code (n, k)} distances of the distance this form was made from
     */
    NDArray distances(NDArray scores, NDArray preparedQueries) {
        NDArray d = switch (distance.kind()) {
            case COSINE -> scores.neg().add(1);
            case DOT_PRODUCT -> scores.neg();
            case EUCLIDEAN, SQUARED_EUCLIDEAN -> {
                long dim = preparedQueries.getShape().get(1) - 1;
                NDArray q = preparedQueries.get(":, :" + dim);
                NDArray squared = Scalars.max(q.square().sum(new int[] {1}, true).sub(Scalars.mul(scores, 2)), 0);
                yield distance.kind() == Distance.Kind.EUCLIDEAN ? squared.sqrt() : squared;
            }
            case MANHATTAN, SNR -> throw new IllegalStateException("no inner-product form of " + distance);
        };
        return distance.scale() == 1.0 ? d : Scalars.mul(d, distance.scale());
    }
}
