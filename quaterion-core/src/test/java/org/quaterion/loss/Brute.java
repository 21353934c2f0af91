package org.quaterion.loss;

/** Plain-Java reference computations (loops over doubles) for checking the tensor implementations. */
final class Brute {

    private Brute() {}

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double cosineDistance(double[] a, double[] b) {
        return 1 - dot(a, b) / (norm(a) * norm(b));
    }

    static double euclidean(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(s);
    }

    static double[] normalize(double[] a) {
        double n = norm(a);
        double[] out = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            out[k] = a[k] / n;
        }
        return out;
    }

    static double relu(double x) {
        return Math.max(0, x);
    }

    static double[][] matrix(double[][] e, java.util.function.BinaryOperator<double[]> unused,
            java.util.function.ToDoubleBiFunction<double[], double[]> d) {
        double[][] m = new double[e.length][e.length];
        for (int i = 0; i < e.length; i++) {
            for (int j = 0; j < e.length; j++) {
                m[i][j] = d.applyAsDouble(e[i], e[j]);
            }
        }
        return m;
    }

    /** Random rows with a fixed seed; labels cycle through {@code classes}. */
    static double[][] rows(long seed, int n, int dim) {
        java.util.Random r = new java.util.Random(seed);
        double[][] out = new double[n][dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                out[i][k] = r.nextGaussian();
            }
        }
        return out;
    }

    static long[] cyclicLabels(int n, int classes) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i % classes;
        }
        return out;
    }
}
