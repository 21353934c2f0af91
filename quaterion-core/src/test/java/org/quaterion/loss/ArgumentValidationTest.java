package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quaterion.distance.Distance;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.Sgd;

/** Meaningless settings are rejected with the valid range in the message; legitimate ones still build. */
class ArgumentValidationTest {

    private static void assertRejected(String expected, Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    @Test
    void negativeNanAndInfiniteSettingsAreRejected() {
        Map<String, Executable> bad = new LinkedHashMap<>();
        for (double v : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            bad.put("TripletLoss needs margin >= 0|" + v, () -> new TripletLoss(v, Distance.cosine(),
                    TripletLoss.Mining.HARD, false));
            bad.put("TripletMarginLoss needs margin >= 0|" + v, () -> new TripletMarginLoss(v));
            bad.put("ContrastiveLoss needs|" + v, () -> new ContrastiveLoss(v, 1));
            bad.put("ContrastiveLoss needs|neg " + v, () -> new ContrastiveLoss(0, v));
            bad.put("OnlineContrastiveLoss needs margin >= 0|" + v, () -> new OnlineContrastiveLoss(v,
                    Distance.cosine(), OnlineContrastiveLoss.Mining.HARD));
            bad.put("ContrastiveLoss needs margin >= 0|pair " + v, () -> new org.quaterion.loss.pair.PairContrastiveLoss(
                    Distance.cosine(), v, true));
            bad.put("CosFaceLoss needs margin >= 0|" + v, () -> new CosFaceLoss(3, 4, 64, v));
            bad.put("CircleLoss needs the relaxation m in [0, 1)|" + v, () -> new CircleLoss(v, 80));
            bad.put("ProxyAnchorLoss needs margin >= 0|" + v, () -> new ProxyAnchorLoss(3, 4, v, 32));
            bad.put("CenterLoss needs lambda > 0|" + v, () -> new CenterLoss(3, 4, v));
            bad.put("MarginLoss needs margin >= 0|" + v, () -> new MarginLoss(v, 0, 1.2, false, Distance.euclidean()));
            bad.put("MarginLoss needs nu >= 0|" + v, () -> new MarginLoss(0.2, v, 1.2, false, Distance.euclidean()));
        }
        bad.put("ProxyAnchorLoss needs alpha > 0|0", () -> new ProxyAnchorLoss(3, 4, 0.1, 0));
        bad.put("CenterLoss needs lambda > 0|0", () -> new CenterLoss(3, 4, 0));
        bad.put("ArcFaceLoss needs a finite scale > 0|inf", () -> new ArcFaceLoss(3, 4, Double.POSITIVE_INFINITY, 0.5));
        bad.put("CosFaceLoss needs scale > 0|inf", () -> new CosFaceLoss(3, 4, Double.POSITIVE_INFINITY, 0.35));
        bad.put("NTXentLoss needs temperature > 0|NaN", () -> new NTXentLoss(Double.NaN));
        bad.put("Adam needs a finite learningRate > 0|inf", () -> Adam.of(Double.POSITIVE_INFINITY));
        bad.put("Adam needs a finite learningRate > 0|NaN", () -> Adam.of(Double.NaN));
        bad.put("SGD needs learningRate > 0|inf", () -> new Sgd(Double.POSITIVE_INFINITY, 0));
        int checked = 0;
        for (Map.Entry<String, Executable> e : bad.entrySet()) {
            assertRejected(e.getKey().substring(0, e.getKey().indexOf('|')), e.getValue());
            checked++;
        }
        System.out.println("ArgumentValidationTest: " + checked + " bad settings rejected");
    }

    @Test
    void legitimateSettingsOfTheReferenceLibrariesStillBuild() {
        new TripletLoss(0, Distance.cosine(), TripletLoss.Mining.HARD, false);
        new TripletMarginLoss(0);
        new ContrastiveLoss(-1, 0.5, Distance.dotProduct(), new org.quaterion.reducer.AvgNonZeroReducer()); // -a·b
        new CircleLoss(0, 80);
        new MarginLoss(0.2, 0, -1, false, Distance.euclidean());
    }

    @Test
    void lossesThatCannotUseMinedTuplesRejectThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.randomNormal(new ai.djl.ndarray.types.Shape(8, 4));
            NDArray labels = m.create(new long[] {0, 0, 1, 1, 2, 2, 0, 1});
            org.quaterion.miner.IndexTuples tuples = new org.quaterion.miner.BatchHardMiner().mine(emb, labels);
            assertRejected("cannot use mined tuples", () -> new TripletLoss().forward(emb, labels, tuples));
            new TripletMarginLoss().forward(emb, labels, tuples); // a loss that takes them still does
            new ArcFaceLoss(3, 4, 64, 0.5).forward(emb, labels, tuples); // as weights, see MinerWeightsTest
        }
    }

    @Test
    void binaryPairLossesTakeScoresInZeroOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(new float[][] {{1, 0}, {0, 1}, {1, 1}, {-1, 0}});
            NDArray pairs = m.create(new long[][] {{0, 1}, {2, 3}});
            for (double[] labels : new double[][] {{5, 0}, {1, -2}, {1, Double.POSITIVE_INFINITY}}) {
                assertRejected("takes pair scores in [0, 1]", () -> new org.quaterion.loss.pair.PairContrastiveLoss()
                        .forward(emb, pairs, m.create(labels), null));
            }
            new org.quaterion.loss.pair.PairContrastiveLoss().forward(emb, pairs, m.create(new double[] {1, 0.5}), null);
        }
    }
}
