package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The explained variance of the principal components of a set of embeddings, and OML's PCF (principal components
 * fraction, {@code calc_pcf}): the fraction of the {@code d} dimensions needed to explain a share of the variance.
 * With {@code λ_1 ≥ … ≥ λ_m} the variances along the principal axes ({@code m = min(n, d)}), PCF at level r is
 * {@code n_r / d} where {@code n_r - 1} is the number of leading components whose cumulative share of the variance is
 * at most r. A low PCF means the embeddings use few directions (a collapsed space). Immutable.
 */
public final class PrincipalComponents {

    private final double[] cumulativeShare;
    private final int dimension;

    private PrincipalComponents(double[] cumulativeShare, int dimension) {
        this.cumulativeShare = cumulativeShare;
        this.dimension = dimension;
    }

    /**
     * Fits the principal axes: the eigenvalues of the centred Gram matrix, {@code XᵀX} ({@code d × d}) or
     * {@code XXᵀ} ({@code n × n}), whichever is smaller; their non-zero eigenvalues are the squared singular values of
     * the centred data that OML's PCA takes.
     *
     * @param embeddings {@code (n, d)}
     * @return the fit; {@link #pcf} is NaN when there are fewer than two rows or the rows do not vary
     */
    public static PrincipalComponents fit(NDArray embeddings) {
        if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(1) == 0) {
            throw new IllegalArgumentException("PCF needs (n, d) embeddings, got " + embeddings.getShape());
        }
        int n = (int) embeddings.getShape().get(0);
        int d = (int) embeddings.getShape().get(1);
        if (n < 2) {
            return new PrincipalComponents(null, d);
        }
        int m = Math.min(n, d);
        double[] gram;
        try (NDScope scope = new NDScope()) {
            NDArray x = embeddings.stopGradient().toType(DataType.FLOAT64, false);
            NDArray centred = x.sub(x.mean(new int[] {0}, true));
            gram = (n >= d ? centred.transpose().matMul(centred) : centred.matMul(centred.transpose()))
                    .toDoubleArray();
        }
        double[][] rows = new double[m][m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(gram, i * m, rows[i], 0, m);
        }
        double[] eigen = new EigenDecomposition(new Array2DRowRealMatrix(rows, false)).getRealEigenvalues();
        double[] variance = Arrays.stream(eigen).map(v -> Math.max(0, v)).sorted().toArray();
        double total = 0;
        for (double v : variance) {
            total += v;
        }
        if (!(total > 0)) {
            return new PrincipalComponents(null, d);
        }
        double[] cumulative = new double[m];
        double running = 0;
        for (int i = 0; i < m; i++) {
            running += variance[m - 1 - i] / total;
            cumulative[i] = running;
        }
        return new PrincipalComponents(cumulative, d);
    }

    /**
     * OML's PCF at a level of explained variance, capped at 1 (OML counts one component past the last, which gives
     * {@code (d + 1) / d} when r reaches the full variance and n ≥ d).
     *
     * @param variance the share r of variance to explain, in [0, 1]
     * @return {@code n_r / d} in (0, 1]; NaN when the embeddings have no variance (fewer than two rows, or identical
     *     rows): nothing to measure
     */
    public double pcf(double variance) {
        if (!(variance >= 0 && variance <= 1)) {
            throw new IllegalArgumentException("the explained variance must be in [0, 1], got " + variance);
        }
        if (cumulativeShare == null) {
            return Double.NaN;
        }
        int atMost = 0;
        while (atMost < cumulativeShare.length && cumulativeShare[atMost] <= variance) {
            atMost++;
        }
        return (double) Math.min(atMost + 1, dimension) / dimension;
    }

    /**
     * The cumulative share of the variance explained by the leading components.
     *
     * @return {@code min(n, d)} values rising to 1; empty when the embeddings have no variance
     */
    public double[] cumulativeShare() {
        return cumulativeShare == null ? new double[0] : cumulativeShare.clone();
    }
}
