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
            bad.put("TripletLoss needs margin >= 0|" + v, () -> TripletLoss.builder().optMargin(v)
                    .optDistance(Distance.cosine()).optMining(TripletLoss.Mining.HARD).optSmooth(false).build());
            bad.put("TripletMarginLoss needs margin >= 0|" + v, () -> new TripletMarginLoss(v));
            bad.put("ContrastiveLoss needs|" + v, () -> ContrastiveLoss.builder().optPosMargin(v).optNegMargin(1)
                    .build());
            bad.put("ContrastiveLoss needs|neg " + v, () -> ContrastiveLoss.builder().optPosMargin(0).optNegMargin(v)
                    .build());
            bad.put("OnlineContrastiveLoss needs margin >= 0|" + v, () -> OnlineContrastiveLoss.builder().optMargin(v)
                    .optDistance(Distance.cosine()).optMining(OnlineContrastiveLoss.Mining.HARD).build());
            bad.put("ContrastiveLoss needs margin >= 0|pair " + v, () -> org.quaterion.loss.pair.PairContrastiveLoss.builder()
                    .optDistance(Distance.cosine()).optMargin(v).optSizeAverage(true).build());
            bad.put("CosFaceLoss needs margin >= 0|" + v, () -> CosFaceLoss.builder().setNumClasses(3)
                    .setEmbeddingSize(4).optScale(64).optMargin(v).build());
            bad.put("CircleLoss needs the relaxation m in [0, 1)|" + v, () -> CircleLoss.builder().optMargin(v)
                    .optGamma(80).build());
            bad.put("ProxyAnchorLoss needs margin >= 0|" + v, () -> ProxyAnchorLoss.builder().setNumClasses(3)
                    .setEmbeddingSize(4).optMargin(v).optAlpha(32).build());
            bad.put("CenterLoss needs lambda > 0|" + v, () -> CenterLoss.builder().setNumClasses(3).setEmbeddingSize(4)
                    .optLambda(v).build());
            bad.put("MarginLoss needs margin >= 0|" + v, () -> MarginLoss.builder().optMargin(v).optNu(0).optBeta(1.2)
                    .optLearnBeta(false).optDistance(Distance.euclidean()).build());
            bad.put("MarginLoss needs nu >= 0|" + v, () -> MarginLoss.builder().optMargin(0.2).optNu(v).optBeta(1.2)
                    .optLearnBeta(false).optDistance(Distance.euclidean()).build());
        }
        bad.put("ProxyAnchorLoss needs alpha > 0|0", () -> ProxyAnchorLoss.builder().setNumClasses(3)
                .setEmbeddingSize(4).optMargin(0.1).optAlpha(0).build());
        bad.put("CenterLoss needs lambda > 0|0", () -> CenterLoss.builder().setNumClasses(3).setEmbeddingSize(4)
                .optLambda(0).build());
        bad.put("ArcFaceLoss needs a finite scale > 0|inf", () -> ArcFaceLoss.builder().setNumClasses(3)
                .setEmbeddingSize(4).optScale(Double.POSITIVE_INFINITY).optMargin(0.5).build());
        bad.put("CosFaceLoss needs scale > 0|inf", () -> CosFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4)
                .optScale(Double.POSITIVE_INFINITY).optMargin(0.35).build());
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
        TripletLoss.builder().optMargin(0).optDistance(Distance.cosine()).optMining(TripletLoss.Mining.HARD)
                .optSmooth(false).build();
        new TripletMarginLoss(0);
        ContrastiveLoss.builder().optPosMargin(-1).optNegMargin(0.5).optDistance(Distance.dotProduct())
                .optReducer(new org.quaterion.reducer.AvgNonZeroReducer()).build(); // -a·b
        CircleLoss.builder().optMargin(0).optGamma(80).build();
        MarginLoss.builder().optMargin(0.2).optNu(0).optBeta(-1).optLearnBeta(false).optDistance(Distance.euclidean())
                .build();
    }

    @Test
    void lossesThatCannotUseMinedTuplesRejectThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.randomNormal(new ai.djl.ndarray.types.Shape(8, 4));
            NDArray labels = m.create(new long[] {0, 0, 1, 1, 2, 2, 0, 1});
            org.quaterion.miner.IndexTuples tuples = new org.quaterion.miner.BatchHardMiner().mine(emb, labels);
            assertRejected("cannot use mined tuples", () -> new TripletLoss().forward(emb, labels, tuples));
            new TripletMarginLoss().forward(emb, labels, tuples); // a loss that takes them still does
            ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).optScale(64).optMargin(0.5)
                    .build().forward(emb, labels, tuples); // as weights, see MinerWeightsTest
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
