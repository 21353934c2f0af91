package org.quaterion.eval;

import java.util.HashMap;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * Agreement between a clustering and the true labels, as scikit-learn (and so PML's {@code NMI} / {@code AMI})
 * computes it with natural logarithms and the arithmetic mean of the two entropies as normaliser:
 * {@code NMI = MI / mean(H(U), H(V))}, {@code AMI = (MI − E[MI]) / (mean(H(U), H(V)) − E[MI])} with the expected
 * mutual information of the hypergeometric model (Vinh, Epps and Bailey, 2010). Both give 1 when each labelling
 * has a single cluster (sklearn's limit case). Stateless.
 */
public final class ClusteringMetrics {

    private ClusteringMetrics() {}

    /** The contingency table of two labellings: counts, row sums, column sums. */
    private record Contingency(int n, int[][] counts, int[] rows, int[] cols) {

        static Contingency of(long[] a, long[] b) {
            if (a.length != b.length) {
                throw new IllegalArgumentException("the two labellings have " + a.length + " and " + b.length
                        + " entries; give one label per item in each");
            }
            if (a.length == 0) {
                throw new IllegalArgumentException("no items: clustering metrics need at least one labelled item");
            }
            int[] ia = dense(a);
            int[] ib = dense(b);
            int ra = max(ia) + 1;
            int rb = max(ib) + 1;
            int[][] counts = new int[ra][rb];
            int[] rows = new int[ra];
            int[] cols = new int[rb];
            for (int i = 0; i < a.length; i++) {
                counts[ia[i]][ib[i]]++;
                rows[ia[i]]++;
                cols[ib[i]]++;
            }
            return new Contingency(a.length, counts, rows, cols);
        }

        boolean trivial() {
            return rows.length == 1 && cols.length == 1;
        }

        private static int[] dense(long[] labels) {
            Map<Long, Integer> ids = new HashMap<>();
            int[] out = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                out[i] = ids.computeIfAbsent(labels[i], l -> ids.size());
            }
            return out;
        }

        private static int max(int[] v) {
            int m = 0;
            for (int x : v) {
                m = Math.max(m, x);
            }
            return m;
        }
    }

    /**
     * Mutual information (nats) of two labellings.
     *
     * @param labels true labels
     * @param clusters cluster assignments
     * @return {@code Σ p_ij log(p_ij / (p_i p_j))}
     */
    public static double mutualInformation(long[] labels, long[] clusters) {
        return mutualInformation(Contingency.of(labels, clusters));
    }

    private static double mutualInformation(Contingency c) {
        double mi = 0;
        for (int i = 0; i < c.rows().length; i++) {
            for (int j = 0; j < c.cols().length; j++) {
                int nij = c.counts()[i][j];
                if (nij > 0) {
                    mi += (double) nij / c.n() * Math.log((double) c.n() * nij / ((double) c.rows()[i] * c.cols()[j]));
                }
            }
        }
        return Math.max(mi, 0);
    }

    /**
     * The expected mutual information of two random labellings with the same cluster sizes.
     *
     * @param labels true labels
     * @param clusters cluster assignments
     * @return {@code E[MI]} in nats
     */
    public static double expectedMutualInformation(long[] labels, long[] clusters) {
        return expectedMutualInformation(Contingency.of(labels, clusters));
    }

    private static double expectedMutualInformation(Contingency c) {
        int n = c.n();
        double lgN = Gamma.logGamma(n + 1.0);
        double emi = 0;
        for (int a : c.rows()) {
            for (int b : c.cols()) {
                double fixed = Gamma.logGamma(a + 1.0) + Gamma.logGamma(b + 1.0) + Gamma.logGamma(n - a + 1.0)
                        + Gamma.logGamma(n - b + 1.0) - lgN;
                for (int nij = Math.max(1, a + b - n); nij <= Math.min(a, b); nij++) {
                    double logP = fixed - Gamma.logGamma(nij + 1.0) - Gamma.logGamma(a - nij + 1.0)
                            - Gamma.logGamma(b - nij + 1.0) - Gamma.logGamma(n - a - b + nij + 1.0);
                    emi += (double) nij / n * Math.log((double) n * nij / ((double) a * b)) * Math.exp(logP);
                }
            }
        }
        return emi;
    }

    private static double entropy(int[] sizes, int n) {
        double h = 0;
        for (int s : sizes) {
            if (s > 0) {
                double p = (double) s / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /**
     * Normalised mutual information (arithmetic normaliser, sklearn's default and PML's {@code NMI}).
     *
     * @param labels true labels
     * @param clusters cluster assignments
     * @return a value in [0, 1]
     */
    public static double nmi(long[] labels, long[] clusters) {
        Contingency c = Contingency.of(labels, clusters);
        if (c.trivial()) {
            return 1.0;
        }
        double mi = mutualInformation(c);
        if (mi == 0) {
            return 0.0;
        }
        return mi / ((entropy(c.rows(), c.n()) + entropy(c.cols(), c.n())) / 2);
    }

    /**
     * Adjusted mutual information (arithmetic normaliser, sklearn's default and PML's {@code AMI}).
     *
     * @param labels true labels
     * @param clusters cluster assignments
     * @return 1 for identical partitions, about 0 for independent ones (can be negative)
     */
    public static double ami(long[] labels, long[] clusters) {
        Contingency c = Contingency.of(labels, clusters);
        if (c.trivial()) {
            return 1.0;
        }
        double mi = mutualInformation(c);
        double emi = expectedMutualInformation(c);
        double normaliser = (entropy(c.rows(), c.n()) + entropy(c.cols(), c.n())) / 2;
        double denominator = normaliser - emi;
        double eps = Math.ulp(1.0);
        denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
        return (mi - emi) / denominator;
    }
}
