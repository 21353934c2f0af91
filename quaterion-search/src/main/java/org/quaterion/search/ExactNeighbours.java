package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.quaterion.distance.Distance;

/** The exact engine: {@link ExactKnn} over a gallery prepared once. */
final class ExactNeighbours implements NearestNeighbours {

    private final ExactKnn knn;
    private final ExactKnn.Prepared gallery;
    /** Where float queries are copied for a search (a sub-manager per call). */
    private final NDManager manager;
    private final int dimension;

    ExactNeighbours(NDArray gallery, Distance distance) {
        this.knn = new ExactKnn(distance);
        this.gallery = knn.prepare(gallery);
        this.manager = gallery.getManager();
        this.dimension = Math.toIntExact(gallery.getShape().get(1));
    }

    @Override
    public String engine() {
        return "exact";
    }

    @Override
    public long memoryBytes() {
        return gallery.bytes();
    }

    @Override
    public int size() {
        return gallery.size();
    }

    @Override
    public Distance distance() {
        return knn.distance();
    }

    @Override
    public KnnResult search(float[][] queries, int k) {
        try (NDManager call = manager.newSubManager()) {
            return search(matrix(call, queries, dimension), k);
        }
    }

    /**
     * Float queries as one {@code (m, d)} array.
     *
     * @param manager where the array is made
     * @param queries {@code [m][d]}
     * @param dimension d
     * @return the array
     */
    static NDArray matrix(NDManager manager, float[][] queries, int dimension) {
        float[] flat = new float[queries.length * dimension];
        for (int i = 0; i < queries.length; i++) {
            System.arraycopy(queries[i], 0, flat, i * dimension, dimension);
        }
        return manager.create(flat, new Shape(queries.length, dimension));
    }

    @Override
    public KnnResult search(NDArray queries, int k) {
        return knn.search(queries, gallery, k, null);
    }

    @Override
    public void close() {
        gallery.close();
    }
}
