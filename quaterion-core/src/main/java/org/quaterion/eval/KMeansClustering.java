package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * k-means++ clustering of embeddings (commons-math3's {@link KMeansPlusPlusClusterer}, Euclidean, seeded), the
 * clustering behind PML's NMI/AMI, where k is the number of distinct labels. Runs on the JVM, so it is meant for
 * evaluation sets, not for millions of rows. Immutable.
 *
 * @param clusters k, at least 1
 * @param maxIterations Lloyd iterations, at least 1
 * @param seed random seed of the k-means++ initialisation
 */
public record KMeansClustering(int clusters, int maxIterations, long seed) {

    /** Validates the settings. */
    public KMeansClustering {
        if (clusters < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("k-means needs clusters >= 1 and maxIterations >= 1, got " + clusters
                    + " and " + maxIterations);
        }
    }

    /** A point that remembers its row. */
    private record Row(int index, double[] point) implements Clusterable {
        @Override
        public double[] getPoint() {
            return point;
        }
    }

    /**
     * Assigns each embedding to a cluster.
     *
     * @param embeddings {@code (n, d)} with {@code n >= clusters}
     * @return cluster id of each row
     */
    public long[] assign(NDArray embeddings) {
        if (embeddings.getShape().dimension() != 2) {
            throw new IllegalArgumentException("embeddings must be (n, d), got " + embeddings.getShape());
        }
        int n = (int) embeddings.getShape().get(0);
        int d = (int) embeddings.getShape().get(1);
        if (n < clusters) {
            throw new IllegalArgumentException("k-means with " + clusters + " clusters needs at least that many rows, "
                    + "got " + n);
        }
        double[] flat = embeddings.toType(DataType.FLOAT64, false).toDoubleArray();
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] p = new double[d];
            System.arraycopy(flat, i * d, p, 0, d);
            rows.add(new Row(i, p));
        }
        KMeansPlusPlusClusterer<Row> kmeans = new KMeansPlusPlusClusterer<>(clusters, maxIterations,
                new EuclideanDistance(), new JDKRandomGenerator((int) (seed ^ (seed >>> 32))));
        long[] out = new long[n];
        List<CentroidCluster<Row>> result = kmeans.cluster(rows);
        for (int c = 0; c < result.size(); c++) {
            for (Row r : result.get(c).getPoints()) {
                out[r.index()] = c;
            }
        }
        return out;
    }
}
