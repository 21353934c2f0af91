package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/**
 * NMI / AMI against scikit-learn's published test values (sklearn/metrics/cluster/tests/test_supervised.py:
 * MI 0.41022, EMI 0.15042, AMI 0.27821 on the arrays below; AMI ≈ 0.38 on them repeated 110 times) and the NMI of
 * the same arrays by the sklearn formula (natural log, arithmetic normaliser) computed with numpy: 0.3783499278720409.
 */
class ClusteringMetricsTest {

    private static final long[] A = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3};
    private static final long[] B = {1, 1, 1, 1, 2, 1, 2, 2, 2, 2, 3, 1, 3, 3, 3, 2, 2};

    @Test
    void matchesScikitLearn() {
        assertEquals(0.41022, ClusteringMetrics.mutualInformation(A, B), 5e-6);
        assertEquals(0.4102186227404535, ClusteringMetrics.mutualInformation(A, B), 1e-12);
        assertEquals(0.15042, ClusteringMetrics.expectedMutualInformation(A, B), 5e-6);
        assertEquals(0.27821, ClusteringMetrics.ami(A, B), 5e-6);
        assertEquals(0.3783499278720409, ClusteringMetrics.nmi(A, B), 1e-12);
        long[] a110 = new long[A.length * 110];
        long[] b110 = new long[B.length * 110];
        for (int i = 0; i < a110.length; i++) {
            a110[i] = A[i % A.length];
            b110[i] = B[i % B.length];
        }
        assertEquals(0.38, ClusteringMetrics.ami(a110, b110), 5e-3);
    }

    @Test
    void limitCases() {
        assertEquals(1.0, ClusteringMetrics.ami(new long[] {1, 1, 2, 2}, new long[] {2, 2, 3, 3}), 1e-12);
        assertEquals(1.0, ClusteringMetrics.nmi(new long[] {1, 1, 2, 2}, new long[] {2, 2, 3, 3}), 1e-12);
        assertEquals(1.0, ClusteringMetrics.nmi(new long[] {5, 5, 5}, new long[] {0, 0, 0}), 0);
        assertEquals(1.0, ClusteringMetrics.ami(new long[] {5, 5, 5}, new long[] {0, 0, 0}), 0);
        assertEquals(0.0, ClusteringMetrics.nmi(new long[] {0, 0, 0, 0}, new long[] {0, 1, 2, 3}), 0);
        assertEquals(0.0, ClusteringMetrics.ami(new long[] {0, 0, 0, 0}, new long[] {0, 1, 2, 3}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClusteringMetrics.nmi(new long[] {1}, new long[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> ClusteringMetrics.ami(new long[0], new long[0]));
    }

    @Test
    void kMeansRecoversSeparatedClustersAndIsSeeded() {
        java.util.Random random = new java.util.Random(3);
        int n = 90;
        double[][] x = new double[n][4];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (j == labels[i] ? 20 : 0) + random.nextGaussian();
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(x);
            long[] clusters = new KMeansClustering(3, 100, 1).assign(e);
            assertEquals(1.0, ClusteringMetrics.nmi(labels, clusters), 1e-12);
            assertEquals(1.0, ClusteringMetrics.ami(labels, clusters), 1e-12);
            assertEquals(java.util.Arrays.toString(clusters),
                    java.util.Arrays.toString(new KMeansClustering(3, 100, 1).assign(e)), "same seed, same clusters");
            EmbeddedSample sample = EmbeddedSample.ofGroups(e, labels, null);
            assertEquals(1.0, SampleMetric.nmi(7).compute(sample), 1e-12);
            assertTrue(SampleMetric.ami(7).compute(sample) > 0.99);
            assertThrows(IllegalArgumentException.class, () -> new KMeansClustering(100, 10, 1).assign(e));
        }
    }
}
