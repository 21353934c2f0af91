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
        return List.of(new TripletLoss(), new TripletLoss(0.3, Distance.euclidean().normalized(),
                TripletLoss.Mining.SEMI_HARD, false), new TripletLoss(0.2, Distance.euclidean(),
                TripletLoss.Mining.ALL, false), new TripletLoss(0.2, Distance.cosine(), TripletLoss.Mining.HARD, true), new TripletMarginLoss(), new TripletMarginLoss(0.1, true,
                Distance.dotProduct(), new MeanReducer()), new ContrastiveLoss(), new ContrastiveLoss(0.1, 0.9,
                Distance.cosine(), new ThresholdReducer(0.01, null)), new OnlineContrastiveLoss(),
                new MultiSimilarityLoss(), new NTXentLoss(0.1), new SupConLoss(0.2, Distance.cosine().scaled(2)),
                new CircleLoss(), new FastAPLoss(), new LiftedStructureLoss(), new MarginLoss(),
                new ArcFaceLoss(3, 4, 64, 0.5), new CosFaceLoss(3, 4, 30, 0.2), new SoftmaxLoss(3, 4, 0.05),
                new ProxyAnchorLoss(3, 4, 0.1, 32), new CenterLoss(3, 4, 0.5), new MultipleNegativesRankingLoss(),
                new MultipleNegativesRankingLoss(10, Distance.dotProduct(), true), new CoSENTLoss(),
                new PairContrastiveLoss());
    }
}
