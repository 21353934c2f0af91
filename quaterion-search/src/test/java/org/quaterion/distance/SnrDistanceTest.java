package org.quaterion.distance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SNR distance against a plain-Java {@code var(x − y) / var(x)}, in both forms, normalised or not. */
class SnrDistanceTest {

    static double[][] gaussian(long seed, int rows, int cols) {
        Random random = new Random(seed);
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return out;
    }

    private static double variance(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }

    private static double[] normalized(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        double norm = Math.sqrt(n);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / norm;
        }
        return out;
    }

    private static double snr(double[] x, double[] y) {
        double[] diff = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            diff[i] = x[i] - y[i];
        }
        return variance(diff) / variance(x);
    }

    @Test
    void matrixAndRowwiseAreTheVarianceRatio() {
        double[][] x = gaussian(1, 5, 7);
        double[][] y = gaussian(2, 4, 7);
        try (NDManager m = NDManager.newBaseManager()) {
            for (boolean normalize : new boolean[] {false, true}) {
                Distance d = normalize ? Distance.snr().normalized() : Distance.snr();
                double[][] mat = toRows(d.matrix(m.create(x), m.create(y)));
                double[][] self = toRows(d.matrix(m.create(x)));
                for (int i = 0; i < x.length; i++) {
                    double[] xi = normalize ? normalized(x[i]) : x[i];
                    for (int j = 0; j < y.length; j++) {
                        double[] yj = normalize ? normalized(y[j]) : y[j];
                        assertEquals(snr(xi, yj), mat[i][j], 1e-12 * Math.max(1, mat[i][j]), "snr " + i + "," + j);
                    }
                    for (int j = 0; j < x.length; j++) {
                        double[] xj = normalize ? normalized(x[j]) : x[j];
                        assertEquals(snr(xi, xj), self[i][j], 1e-12 * Math.max(1, self[i][j]));
                    }
                }
                double[] row = d.rowwise(m.create(x).get("0:4"), m.create(y)).toDoubleArray();
                for (int i = 0; i < 4; i++) {
                    assertEquals(mat[i][i], row[i], 1e-12 * Math.max(1, row[i]), "row-wise = matrix diagonal");
                }
                double[] sim = d.similarityRowwise(m.create(x).get("0:4"), m.create(y)).toDoubleArray();
                assertEquals(1 / (1 + row[0]), sim[0], 1e-15);
            }
        }
    }

    @Test
    void notSymmetricAndByName() {
        double[][] x = gaussian(3, 3, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] self = toRows(Distance.snr().matrix(m.create(x)));
            assertNotEquals(self[0][1], self[1][0], 1e-6, "the anchor's variance is the denominator");
        }
        assertEquals(Distance.snr(), Distance.byName("snr"));
        assertEquals(Distance.snr().normalized(), Distance.fromConfig(Distance.snr().normalized().config()));
    }

    @Test
    void anEmbeddingWithoutVarianceIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray constant = m.create(new double[][] {{1, 2, 3}, {0.5, 0.5, 0.5}});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Distance.snr().matrix(constant));
            assertTrue(e.getMessage().contains("zero variance"), e.getMessage());
        }
    }

    static double[][] toRows(NDArray a) {
        int n = (int) a.getShape().get(0);
        int k = (int) a.getShape().get(1);
        double[] flat = a.toDoubleArray();
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
        }
        return out;
    }
}
