package org.quaterion.registry;

import java.util.List;
import org.quaterion.distance.Distance;
import org.quaterion.loss.ArcFaceLoss;
import org.quaterion.loss.CenterLoss;
import org.quaterion.loss.CircleLoss;
import org.quaterion.loss.ContrastiveLoss;
import org.quaterion.loss.CosFaceLoss;
import org.quaterion.loss.FastAPLoss;
import org.quaterion.loss.LiftedStructureLoss;
import org.quaterion.loss.MarginLoss;
import org.quaterion.loss.MultiSimilarityLoss;
import org.quaterion.loss.NTXentLoss;
import org.quaterion.loss.OnlineContrastiveLoss;
import org.quaterion.loss.ProxyAnchorLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.SoftmaxLoss;
import org.quaterion.loss.SupConLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.loss.pair.CoSENTLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.loss.pair.PairContrastiveLoss;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.ThresholdReducer;

/** Test helper: every registered loss type, with defaults and with non-default distances, scales and reducers. */
public final class AllLosses {

    private AllLosses() {}

    /**
     * A matrix of standard normal draws, row by row.
     *
     * @param random the source
     * @param rows the number of rows
     * @param cols the number of columns
     * @return {@code rows × cols} values
     */
    public static double[][] gaussian(java.util.Random random, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return out;
    }

    /**
     * Fresh instances; the class-weight losses are for 3 classes of 4-d embeddings.
     *
     * @return one or more variants of every registered loss
     */
    public static List<SimilarityLoss> variants() {
        return List.of(new TripletLoss(), TripletLoss.builder().optMargin(0.3)
                .optDistance(Distance.euclidean().normalized()).optMining(TripletLoss.Mining.SEMI_HARD).optSmooth(false)
                .build(), TripletLoss.builder().optMargin(0.2).optDistance(Distance.euclidean())
                .optMining(TripletLoss.Mining.ALL).optSmooth(false).build(), TripletLoss.builder().optMargin(0.2)
                .optDistance(Distance.cosine()).optMining(TripletLoss.Mining.HARD).optSmooth(true)
                .build(), new TripletMarginLoss(), TripletMarginLoss.builder().optMargin(0.1).optSmooth(true)
                .optDistance(Distance.dotProduct()).optReducer(new MeanReducer())
                .build(), new ContrastiveLoss(), ContrastiveLoss.builder().optPosMargin(0.1).optNegMargin(0.9)
                .optDistance(Distance.cosine()).optReducer(new ThresholdReducer(0.01, null))
                .build(), new OnlineContrastiveLoss(),
                new MultiSimilarityLoss(), new NTXentLoss(0.1), new SupConLoss(0.2, Distance.cosine().scaled(2)),
                new CircleLoss(), new FastAPLoss(), new LiftedStructureLoss(), new MarginLoss(),
                ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).optScale(64).optMargin(0.5)
                        .build(), CosFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).optScale(30).optMargin(0.2)
                        .build(), SoftmaxLoss.builder().setNumClasses(3).setEmbeddingSize(4).optTemperature(0.05)
                        .build(),
                ProxyAnchorLoss.builder().setNumClasses(3).setEmbeddingSize(4).optMargin(0.1).optAlpha(32)
                        .build(), CenterLoss.builder().setNumClasses(3).setEmbeddingSize(4).optLambda(0.5)
                        .build(), new MultipleNegativesRankingLoss(),
                MultipleNegativesRankingLoss.builder().optScale(10).optDistance(Distance.dotProduct())
                        .optSymmetric(true).build(), new CoSENTLoss(),
                new PairContrastiveLoss());
    }
}
