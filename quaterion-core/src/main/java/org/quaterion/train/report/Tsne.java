package org.quaterion.train.report;

/**
 * Exact t-SNE (van der Maaten and Hinton 2008) for the report's map of at most a few hundred points: Gaussian
 * affinities calibrated to a perplexity by binary search, symmetrised; Student-t similarities in 2-d; gradient
 * descent with momentum, per-coordinate gains and early exaggeration. Deterministic: it starts from the points'
 * first two principal components, scaled to a standard deviation of 1e-4.
 */
final class Tsne {

    private Tsne() {}

    /**
     * Maps points to 2-d.
     *
     * @param x {@code [n][d]} points, n at least 4
     * @param start {@code [n][2]} initial layout (e.g. the PCA projection)
     * @param perplexity effective neighbours, below n − 1
     * @param iterations gradient steps (the first quarter with exaggeration 12)
     * @return {@code [n][2]} coordinates
     */
    static double[][] embed(float[][] x, double[][] start, double perplexity, int iterations) {
        int n = x.length;
        double[][] p = affinities(x, Math.min(perplexity, (n - 1) / 3.0));
        double[][] y = new double[n][2];
        double[] sd = new double[2];
        for (int c = 0; c < 2; c++) {
            double mean = 0;
            for (double[] s : start) {
                mean += s[c] / n;
            }
            double var = 0;
            for (double[] s : start) {
                var += (s[c] - mean) * (s[c] - mean) / n;
            }
            sd[c] = Math.sqrt(var) > 0 ? Math.sqrt(var) : 1;
            for (int i = 0; i < n; i++) {
                y[i][c] = (start[i][c] - mean) / sd[c] * 1e-4;
            }
        }
        double[][] velocity = new double[n][2];
        double[][] gains = new double[n][2];
        for (double[] g : gains) {
            g[0] = 1;
            g[1] = 1;
        }
        double rate = Math.max(50, n / 12.0);
        double[][] num = new double[n][n];
        double[][] grad = new double[n][2];
        int exaggerated = iterations / 4;
        for (int it = 0; it < iterations; it++) {
            double exaggeration = it < exaggerated ? 12 : 1;
            double momentum = it < exaggerated ? 0.5 : 0.8;
            double z = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = y[i][0] - y[j][0];
                    double dy = y[i][1] - y[j][1];
                    double q = 1 / (1 + dx * dx + dy * dy);
                    num[i][j] = q;
                    num[j][i] = q;
                    z += 2 * q;
                }
            }
            for (int i = 0; i < n; i++) {
                double gx = 0;
                double gy = 0;
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        double coeff = (exaggeration * p[i][j] - num[i][j] / z) * num[i][j];
                        gx += coeff * (y[i][0] - y[j][0]);
                        gy += coeff * (y[i][1] - y[j][1]);
                    }
                }
                grad[i][0] = 4 * gx;
                grad[i][1] = 4 * gy;
            }
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 2; c++) {
                    boolean sameSign = Math.signum(grad[i][c]) == Math.signum(velocity[i][c]);
                    gains[i][c] = Math.max(0.01, sameSign ? gains[i][c] * 0.8 : gains[i][c] + 0.2);
                    velocity[i][c] = momentum * velocity[i][c] - rate * gains[i][c] * grad[i][c];
                    y[i][c] += velocity[i][c];
                }
            }
        }
        return y;
    }

    /** Symmetric affinities p_ij = (p_{j|i} + p_{i|j}) / 2n, each row's bandwidth matching the perplexity. */
    static double[][] affinities(float[][] x, double perplexity) {
        int n = x.length;
        double[][] d2 = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double t = x[i][k] - x[j][k];
                    s += t * t;
                }
                d2[i][j] = s;
                d2[j][i] = s;
            }
        }
        double target = Math.log(perplexity);
        double[][] conditional = new double[n][n];
        for (int i = 0; i < n; i++) {
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            double beta = 1;
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    min = Math.min(min, d2[i][j]);
                }
            }
            for (int step = 0; step < 64; step++) {
                double sum = 0;
                double weighted = 0;
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        double w = Math.exp(-beta * (d2[i][j] - min)); // shifted: the nearest has weight 1
                        conditional[i][j] = w;
                        sum += w;
                        weighted += w * (d2[i][j] - min);
                    }
                }
                double entropy = Math.log(sum) + beta * weighted / sum;
                for (int j = 0; j < n; j++) {
                    conditional[i][j] /= sum;
                }
                if (Math.abs(entropy - target) < 1e-5) {
                    break;
                }
                if (entropy > target) {
                    lo = beta;
                    beta = Double.isInfinite(hi) ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = (beta + lo) / 2;
                }
            }
        }
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p[i][j] = Math.max((conditional[i][j] + conditional[j][i]) / (2.0 * n), 1e-12);
            }
        }
        return p;
    }
}
