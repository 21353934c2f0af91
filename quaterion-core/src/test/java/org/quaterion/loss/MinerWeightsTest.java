package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.IndexTuples;
import org.quaterion.registry.AllLosses;

/**
 * The classification losses honour mined tuples as PML's do: {@code convert_to_weights} turns them into per-sample
 * weights (count / largest count) that scale each sample's loss (ArcFace, CosFace, Softmax, Center) or enter the
 * exponents as {@code w − 1} (ProxyAnchor). Checked in float64 against the formulas written out here.
 */
class MinerWeightsTest {

    private static final int N = 7;
    private static final int CLASSES = 3;
    private static final int DIM = 4;
    private static final long[] LABELS = {0, 0, 1, 1, 2, 2, 0};
    /** Triplets (0, 1, 2), (2, 3, 4), (4, 5, 0): 0, 2 and 4 occur twice, 1, 3 and 5 once, 6 never. */
    private static final double[] EXPECTED_WEIGHTS = {1, 0.5, 1, 0.5, 1, 0.5, 0};

    @Test
    void weightsAreCountsOverTheLargestCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossInputs in = inputs(m, m.create(embeddings()), triplets(m));
            assertArrayEquals(EXPECTED_WEIGHTS, ClassWeightLoss.minerWeights(in, DataType.FLOAT64).toDoubleArray());
            IndexTuples none = new IndexTuples.Triplets(m.create(new long[0]), m.create(new long[0]),
                    m.create(new long[0]));
            assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1},
                    ClassWeightLoss.minerWeights(inputs(m, m.create(embeddings()), none), DataType.FLOAT64)
                            .toDoubleArray());
            System.out.println("MinerWeightsTest: PML's convert_to_weights checked on 2 tuple sets");
        }
    }

    @Test
    void perSampleLossesAreScaledByTheMinerWeights() {
        double[][] emb = embeddings();
        double[][] weights = AllLosses.gaussian(new Random(7), CLASSES, DIM);
        int checked = 0;
        for (ClassWeightLoss loss : List.of(ArcFaceLoss.builder().setNumClasses(CLASSES).setEmbeddingSize(DIM)
                .optScale(16).optMargin(0.3).build(), CosFaceLoss.builder().setNumClasses(CLASSES).setEmbeddingSize(DIM)
                .optScale(16).optMargin(0.2).build(), SoftmaxLoss.builder().setNumClasses(CLASSES).setEmbeddingSize(DIM)
                .optTemperature(0.5).build(), CenterLoss.builder().setNumClasses(CLASSES).setEmbeddingSize(DIM)
                .optLambda(0.5).build())) {
            try (NDManager m = NDManager.newBaseManager()) {
                loss.setWeights(m, weights, DataType.FLOAT64);
                NDArray labels = m.create(LABELS);
                LossHarness.Result mined = LossHarness.run(m, emb, e -> loss.forward(e, labels, triplets(m)), null);
                double expected = 0;
                for (int i = 0; i < N; i++) { // each sample's loss alone, weighted; the mean over all N samples
                    double alone = loss.forward(m.create(new double[][] {emb[i]}), m.create(new long[] {LABELS[i]}))
                            .getDouble();
                    expected += EXPECTED_WEIGHTS[i] * alone / N;
                }
                assertEquals(expected, mined.value(), 1e-12 * Math.abs(expected), loss.toString());
                for (int d = 0; d < DIM; d++) { // sample 6 is in no tuple: the loss does not see it
                    assertEquals(0, mined.grad()[6 * DIM + d], 0, loss + " gradient of the unmined sample");
                }
                checked++;
            }
        }
        assertEquals(4, checked);
    }

    @Test
    void proxyAnchorAddsTheWeightsToItsExponents() {
        double[][] emb = embeddings();
        double[][] proxies = AllLosses.gaussian(new Random(11), CLASSES, DIM);
        double margin = 0.1;
        double alpha = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            ProxyAnchorLoss loss = ProxyAnchorLoss.builder().setNumClasses(CLASSES).setEmbeddingSize(DIM)
                    .optMargin(margin).optAlpha(alpha).build();
            loss.setWeights(m, proxies, DataType.FLOAT64);
            NDArray labels = m.create(LABELS);
            double value = loss.forward(m.create(emb), labels, triplets(m)).getDouble();
            double pos = 0;
            double neg = 0;
            int withPositives = 0;
            for (int c = 0; c < CLASSES; c++) {
                double posSum = 0;
                double negSum = 0;
                boolean any = false;
                for (int i = 0; i < N; i++) {
                    double cos = cosine(emb[i], proxies[c]);
                    double offset = EXPECTED_WEIGHTS[i] - 1;
                    if (LABELS[i] == c) {
                        posSum += Math.exp(alpha * (-cos + margin) + offset);
                        any = true;
                    } else {
                        negSum += Math.exp(alpha * (cos + margin) + offset);
                    }
                }
                if (any) {
                    pos += Math.log1p(posSum);
                    withPositives++;
                }
                neg += Math.log1p(negSum);
            }
            double expected = pos / withPositives + neg / CLASSES;
            assertEquals(expected, value, 1e-12 * Math.abs(expected));
        }
    }

    @Test
    void aMinerOverTheWholeBatchMakesEveryWeightPositive() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(embeddings());
            NDArray labels = m.create(LABELS);
            IndexTuples mined = new BatchHardMiner().mine(emb, labels);
            double[] w = ClassWeightLoss.minerWeights(inputs(m, emb, mined), DataType.FLOAT64).toDoubleArray();
            for (double v : w) { // batch hard mines one triplet per anchor: every sample is an anchor
                assertTrue(v > 0 && v <= 1, "weight " + v);
            }
            assertEquals(1, Arrays.stream(w).max().orElseThrow(), 0);
        }
    }

    private static LossInputs inputs(NDManager m, NDArray emb, IndexTuples tuples) {
        return LossInputs.of(emb, m.create(LABELS), tuples, null, null, "test");
    }

    private static IndexTuples triplets(NDManager m) {
        return new IndexTuples.Triplets(m.create(new long[] {0, 2, 4}), m.create(new long[] {1, 3, 5}),
                m.create(new long[] {2, 4, 0}));
    }

    private static double[][] embeddings() {
        return AllLosses.gaussian(new Random(3), N, DIM);
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / (Math.sqrt(na) * Math.sqrt(nb));
    }
}
