package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.pair.CoSENTLoss;


/**
 * The losses without a peer reference (fixed Quaterion bugs and losses absent from the fixtures): each checked
 * against a plain-Java brute-force loop and its gradient against central finite differences (float64).
 */
class FixedLossesTest {

    private static final long SEED = 20261122L;
    private static final int N = 12;
    private static final int DIM = 5;
    private static final long[] LABELS = Brute.cyclicLabels(N, 3);

    static {
        System.out.println("FixedLossesTest seed " + SEED);
    }

    private static void check(String name, double[][] emb, Function<NDArray, NDArray> loss, double expected) {
        try (NDManager m = NDManager.newBaseManager()) {
            LossHarness.Result r = LossHarness.run(m, emb, loss, null);
            assertEquals(expected, r.value(), 1e-10 * Math.max(1, Math.abs(expected)), name + " value");
            double[] fd = LossHarness.finiteDifference(m, emb, loss, 1e-6);
            double tol = 1e-6 * Math.max(1, LossHarness.maxAbs(fd));
            assertTrue(LossHarness.maxAbsDiff(fd, r.grad()) <= tol, name + " gradient vs finite differences: "
                    + LossHarness.maxAbsDiff(fd, r.grad()));
            for (double g : r.grad()) {
                assertTrue(Double.isFinite(g), name + " gradient finite");
            }
        }
    }

    private static Function<NDArray, NDArray> group(GroupLoss loss) {
        return e -> loss.forward(e, e.getManager().create(LABELS));
    }

    @Test
    void semiHardTripletIsPerAnchor() {
        double[][] e = Brute.rows(SEED, N, DIM);
        for (boolean cosine : new boolean[] {true, false}) {
            ToDoubleBiFunction<double[], double[]> dist = cosine ? (a, b) -> Brute.cosineDistance(a, b) / 2
                    : Brute::euclidean;
            double margin = 0.3;
            double sum = 0;
            int count = 0;
            for (int a = 0; a < N; a++) {
                for (int p = 0; p < N; p++) {
                    if (p == a || LABELS[p] != LABELS[a]) {
                        continue;
                    }
                    double dap = dist.applyAsDouble(e[a], e[p]);
                    double outside = Double.POSITIVE_INFINITY;
                    double inside = Double.NEGATIVE_INFINITY;
                    for (int n = 0; n < N; n++) {
                        if (LABELS[n] == LABELS[a]) {
                            continue;
                        }
                        double dan = dist.applyAsDouble(e[a], e[n]);
                        if (dan > dap) {
                            outside = Math.min(outside, dan);
                        }
                        inside = Math.max(inside, dan);
                    }
                    double chosen = outside < Double.POSITIVE_INFINITY ? outside : inside;
                    sum += Brute.relu(dap - chosen + margin);
                    count++;
                }
            }
            Distance d = cosine ? Distance.cosine().scaled(0.5) : Distance.euclidean();
            check("semi-hard " + d, e, group(TripletLoss.builder().optMargin(margin).optDistance(d)
                    .optMining(TripletLoss.Mining.SEMI_HARD).optSmooth(false).build()),
                    sum / count);
        }
    }

    @Test
    void onlineContrastiveExcludesTheSelfPair() {
        double[][] e = Brute.rows(SEED + 1, N, DIM);
        double m = 0.5;
        ToDoubleBiFunction<double[], double[]> dist = (a, b) -> Brute.cosineDistance(a, b) / 2;
        double posSum = 0;
        double negSum = 0;
        int posN = 0;
        int negN = 0;
        double hpSum = 0;
        int hpN = 0;
        double hnSum = 0;
        int hnN = 0;
        for (int i = 0; i < N; i++) {
            double hp = 0;
            double hn = Double.POSITIVE_INFINITY;
            for (int j = 0; j < N; j++) {
                if (i == j) {
                    continue;
                }
                double d = dist.applyAsDouble(e[i], e[j]);
                if (LABELS[i] == LABELS[j]) {
                    posSum += d;
                    posN++;
                    hp = Math.max(hp, d);
                } else {
                    negSum += Brute.relu(m - d);
                    negN++;
                    hn = Math.min(hn, d);
                }
            }
            if (hp != 0) {
                hpSum += hp;
                hpN++;
            }
            hnSum += Brute.relu(m - hn);
            hnN++;
        }
        Distance d = Distance.cosine().scaled(0.5);
        check("online contrastive all", e, group(OnlineContrastiveLoss.builder().optMargin(m).optDistance(d)
                .optMining(OnlineContrastiveLoss.Mining.ALL).build()),
                0.5 * (posSum / posN + negSum / negN));
        check("online contrastive hard", e, group(OnlineContrastiveLoss.builder().optMargin(m).optDistance(d)
                .optMining(OnlineContrastiveLoss.Mining.HARD).build()), 0.5 * (hpSum / hpN + hnSum / hnN));
    }

    @Test
    void cosFaceIsThePaperFormula() {
        double[][] e = Brute.rows(SEED + 2, N, DIM);
        double[][] w = Brute.rows(SEED + 3, 3, DIM);
        double s = 8;
        double m = 0.35;
        double total = 0;
        for (int i = 0; i < N; i++) {
            double[] logits = new double[3];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                logits[c] = s * (1 - Brute.cosineDistance(e[i], w[c]) - (c == LABELS[i] ? m : 0));
                max = Math.max(max, logits[c]);
            }
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            total += -(logits[(int) LABELS[i]] - max - Math.log(z));
        }
        CosFaceLoss loss = CosFaceLoss.builder().setNumClasses(3).setEmbeddingSize(DIM).optScale(s).optMargin(m)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            loss.setWeights(manager, w, DataType.FLOAT64);
            check("cosface", e, group(loss), total / N);
        }
    }

    @Test
    void pairContrastiveUsesOneScale() {
        double[][] e = Brute.rows(SEED + 4, 8, DIM);
        long[][] pairs = {{0, 4}, {1, 5}, {2, 6}, {3, 7}};
        double[] scores = {1, 0, 1, 0};
        long[] subgroups = {0, 0, 1, 2, 0, 0, 1, 2};
        double m = 0.5;
        double[] nearest = new double[8];
        for (int i = 0; i < 8; i++) {
            nearest[i] = Double.POSITIVE_INFINITY;
            for (int j = 0; j < 8; j++) {
                if (subgroups[i] != subgroups[j]) {
                    nearest[i] = Math.min(nearest[i], Brute.cosineDistance(e[i], e[j]));
                }
            }
        }
        double total = 0;
        for (int k = 0; k < 4; k++) {
            int a = (int) pairs[k][0];
            int b = (int) pairs[k][1];
            double d = Brute.cosineDistance(e[a], e[b]);
            total += 0.5 * (scores[k] * d * d + (1 - scores[k]) * Math.pow(Brute.relu(m - d), 2))
                    + Math.pow(Brute.relu(m - nearest[a]), 2) + Math.pow(Brute.relu(m - nearest[b]), 2);
        }
        org.quaterion.loss.pair.PairContrastiveLoss loss = org.quaterion.loss.pair.PairContrastiveLoss.builder()
                .optDistance(Distance.cosine()).optMargin(m).optSizeAverage(true).build();
        check("pair contrastive", e, x -> loss.forward(x, x.getManager().create(pairs),
                x.getManager().create(scores), x.getManager().create(subgroups)), total / 4);
    }

    @Test
    void centerLossIsMeanSquaredDistanceToCentres() {
        double[][] e = Brute.rows(SEED + 5, N, DIM);
        double[][] centers = Brute.rows(SEED + 6, 3, DIM);
        double total = 0;
        for (int i = 0; i < N; i++) {
            double[] u = Brute.normalize(e[i]);
            for (int k = 0; k < DIM; k++) {
                total += Math.pow(u[k] - centers[(int) LABELS[i]][k], 2);
            }
        }
        CenterLoss loss = CenterLoss.builder().setNumClasses(3).setEmbeddingSize(DIM).optLambda(0.5).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            loss.setWeights(manager, centers, DataType.FLOAT64);
            check("center", e, group(loss), 0.5 * total / (N * DIM));
        }
    }

    @Test
    void marginLossDividesByNonZeroTerms() {
        double[][] e = Brute.rows(SEED + 7, N, DIM);
        double alpha = 0.2;
        double beta = 1.2;
        double sum = 0;
        int nonZero = 0;
        for (int a = 0; a < N; a++) {
            for (int p = 0; p < N; p++) {
                for (int n = 0; n < N; n++) {
                    if (p == a || LABELS[p] != LABELS[a] || LABELS[n] == LABELS[a]) {
                        continue;
                    }
                    double pos = Brute.relu(Brute.euclidean(Brute.normalize(e[a]), Brute.normalize(e[p])) - beta
                            + alpha);
                    double neg = Brute.relu(beta - Brute.euclidean(Brute.normalize(e[a]), Brute.normalize(e[n]))
                            + alpha);
                    sum += pos + neg;
                    nonZero += (pos > 0 ? 1 : 0) + (neg > 0 ? 1 : 0);
                }
            }
        }
        check("margin", e, group(new MarginLoss()), sum / nonZero);
    }

    @Test
    void liftedStructureMatchesTheLoopOverPairs() {
        double[][] e = Brute.rows(SEED + 8, N, DIM);
        double[][] u = new double[N][];
        for (int i = 0; i < N; i++) {
            u[i] = Brute.normalize(e[i]);
        }
        double total = 0;
        int count = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                if (i == j || LABELS[i] != LABELS[j]) {
                    continue;
                }
                double z = 0;
                for (int k = 0; k < N; k++) {
                    if (LABELS[k] != LABELS[i]) {
                        z += Math.exp(1 - Brute.euclidean(u[i], u[k]));
                    }
                    if (LABELS[k] != LABELS[j]) {
                        z += Math.exp(1 - Brute.euclidean(u[j], u[k]));
                    }
                }
                total += Math.pow(Brute.relu(Math.log(z) + Brute.euclidean(u[i], u[j])), 2) / 2;
                count++;
            }
        }
        check("lifted", e, group(new LiftedStructureLoss()), total / count);
    }

    @Test
    void coSentRanksHigherScoresCloser() {
        double[][] e = Brute.rows(SEED + 9, 8, DIM);
        long[][] pairs = {{0, 4}, {1, 5}, {2, 6}, {3, 7}};
        double[] scores = {0.9, 0.1, 0.5, 0.5};
        double lambda = 5;
        double[] s = new double[4];
        for (int k = 0; k < 4; k++) {
            s[k] = lambda * (1 - Brute.cosineDistance(e[(int) pairs[k][0]], e[(int) pairs[k][1]]));
        }
        double z = 1;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (scores[i] > scores[j]) {
                    z += Math.exp(s[j] - s[i]);
                }
            }
        }
        CoSENTLoss loss = CoSENTLoss.builder().optScale(lambda).optDistance(Distance.cosine()).build();
        check("cosent", e, x -> loss.forward(x, x.getManager().create(pairs), x.getManager().create(scores), null),
                Math.log(z));
    }

    @Test
    void referenceEmbeddingsActAsAMemory() {
        double[][] batch = Brute.rows(SEED + 10, 4, DIM);
        double[][] memory = Brute.rows(SEED + 11, 6, DIM);
        long[] batchLabels = {0, 1, 2, 0};
        long[] memoryLabels = {0, 0, 1, 2, 2, 1};
        double posSum = 0;
        int posN = 0;
        double negSum = 0;
        int negN = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                double d = Brute.euclidean(Brute.normalize(batch[i]), Brute.normalize(memory[j]));
                if (batchLabels[i] == memoryLabels[j]) {
                    posSum += d;
                    posN += d > 0 ? 1 : 0;
                } else if (1 - d > 0) {
                    negSum += 1 - d;
                    negN++;
                }
            }
        }
        ContrastiveLoss loss = new ContrastiveLoss();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mem = m.create(memory);
            NDArray memLabels = m.create(memoryLabels);
            check("contrastive against a memory", batch, e -> loss.forward(e, e.getManager().create(batchLabels),
                    null, mem, memLabels), posSum / posN + negSum / negN);
        }
    }

    @Test
    void tripletMarginByHand() {
        double[][] e = {{1, 0}, {0.8, 0.6}, {0, 1}, {-1, 0}};
        long[] labels = {0, 0, 1, 1};
        // cosine distances: d01 = 0.2, d02 = 1, d03 = 2, d12 = 0.4, d13 = 1.8, d23 = 1
        // triplets (a,p,n): (0,1,2): 0.2-1+0.5<0; (0,1,3) <0; (1,0,2): 0.2-0.4+0.5=0.3; (1,0,3): <0;
        // (2,3,0): 1-1+0.5=0.5; (2,3,1): 1-0.4+0.5=1.1; (3,2,0): 1-2+0.5<0; (3,2,1): 1-1.8+0.5<0
        TripletMarginLoss loss = TripletMarginLoss.builder().optMargin(0.5).optSmooth(false)
                .optDistance(Distance.cosine()).optReducer(new org.quaterion.reducer.AvgNonZeroReducer()).build();
        try (NDManager m = NDManager.newBaseManager()) {
            double v = loss.forward(m.create(e), m.create(labels)).getDouble();
            assertEquals((0.3 + 0.5 + 1.1) / 3, v, 1e-12);
            TripletMarginLoss mean = TripletMarginLoss.builder().optMargin(0.5).optSmooth(false)
                    .optDistance(Distance.cosine()).optReducer(new org.quaterion.reducer.MeanReducer()).build();
            assertEquals((0.3 + 0.5 + 1.1) / 8, mean.forward(m.create(e), m.create(labels)).getDouble(), 1e-12);
        }
    }
}
