package org.quaterion.registry;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.quaterion.loss.pair.EmbeddingMseLoss;
import org.quaterion.loss.pair.MarginMseLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.loss.pair.PairContrastiveLoss;
import org.quaterion.miner.AngularMiner;
import org.quaterion.miner.BatchEasyHardMiner;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.DistanceWeightedMiner;
import org.quaterion.miner.EmbeddingsAlreadyPackagedAsTriplets;
import org.quaterion.miner.HDCMiner;
import org.quaterion.miner.Miner;
import org.quaterion.miner.MultiSimilarityMiner;
import org.quaterion.miner.PairMarginMiner;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.miner.UniformHistogramMiner;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;

/** The library's own components: one line per declaration; everything else derives from the declarations. */
final class BuiltinComponents {

    /** Whether the inputs are L2-normalised first (cosine always is). */
    static final Setting<Boolean> NORMALIZE = Setting.flag("normalize", false,
            "L2-normalise the embeddings first (cosine always does)");
    /** The factor applied to every form of the distance. */
    static final Setting<Double> SCALE = Setting.real("scale", 1.0, v -> v > 0, "a finite scale > 0",
            "factor applied to the distance");

    private BuiltinComponents() {}

    static List<ComponentFactory<?>> all() {
        List<ComponentFactory<?>> out = new ArrayList<>();
        List<ComponentSpec<? extends SimilarityLoss>> losses = new ArrayList<>(List.of(TripletLoss.SPEC,
                TripletMarginLoss.SPEC, ContrastiveLoss.SPEC, OnlineContrastiveLoss.SPEC, MultiSimilarityLoss.SPEC,
                NTXentLoss.SPEC, SupConLoss.SPEC, CircleLoss.SPEC, FastAPLoss.SPEC, LiftedStructureLoss.SPEC,
                MarginLoss.SPEC, ArcFaceLoss.SPEC, CosFaceLoss.SPEC, SoftmaxLoss.SPEC, ProxyAnchorLoss.SPEC,
                CenterLoss.SPEC, MultipleNegativesRankingLoss.SPEC, CoSENTLoss.SPEC, PairContrastiveLoss.SPEC,
                EmbeddingMseLoss.SPEC, MarginMseLoss.SPEC));

        // Pair and tuple losses on embeddings alone
        losses.add(org.quaterion.loss.AngularLoss.SPEC);
        losses.add(org.quaterion.loss.GeneralizedLiftedStructureLoss.SPEC);
        losses.add(org.quaterion.loss.IntraPairVarianceLoss.SPEC);
        losses.add(org.quaterion.loss.NPairsLoss.SPEC);
        losses.add(org.quaterion.loss.NCALoss.SPEC);
        losses.add(org.quaterion.loss.TupletMarginLoss.SPEC);
        losses.add(org.quaterion.loss.DynamicSoftMarginLoss.SPEC);

        // Histogram, ranking and signal-to-noise losses
        losses.add(org.quaterion.loss.SignalToNoiseRatioContrastiveLoss.SPEC);
        losses.add(org.quaterion.loss.RankedListLoss.SPEC);
        losses.add(org.quaterion.loss.HistogramLoss.SPEC);
        losses.add(org.quaterion.loss.InstanceLoss.SPEC);
        losses.add(org.quaterion.loss.PNPLoss.SPEC);
        losses.add(org.quaterion.loss.ThresholdConsistentMarginLoss.SPEC);

        // Classifier and proxy losses
        losses.add(org.quaterion.loss.LargeMarginSoftmaxLoss.SPEC);
        losses.add(org.quaterion.loss.NormalizedSoftmaxLoss.SPEC);
        losses.add(org.quaterion.loss.P2SGradLoss.SPEC);
        losses.add(org.quaterion.loss.ProxyNCALoss.SPEC);
        losses.add(org.quaterion.loss.SoftTripleLoss.SPEC);
        losses.add(org.quaterion.loss.SphereFaceLoss.SPEC);
        losses.add(org.quaterion.loss.SubCenterArcFaceLoss.SPEC);
        org.quaterion.loss.Regularizers.SPECS.forEach(s -> out.add(ComponentFactory.of(s,
                org.quaterion.loss.Regularizer.class))); // the regularizers of RegularizedLoss, by name

        // Composite and self-supervised losses
        losses.add(org.quaterion.loss.MultipleLosses.SPEC);
        losses.add(org.quaterion.loss.SelfSupervisedLoss.SPEC);
        losses.add(org.quaterion.loss.VICRegLoss.SPEC);
        losses.add(org.quaterion.loss.ManifoldLoss.SPEC);

        // Losses of PML 3
        losses.add(org.quaterion.loss.SmoothAPLoss.SPEC);
        losses.add(org.quaterion.loss.MultiSupConLoss.SPEC);
        losses.add(org.quaterion.loss.DecoupledContrastiveLoss.SPEC);
        losses.add(org.quaterion.loss.SelectivelyContrastiveTripletLoss.SPEC);
        losses.add(org.quaterion.loss.DynamicArcFaceLoss.SPEC);

        // Cross-encoder (score) losses
        losses.add(org.quaterion.loss.score.BinaryCrossEntropyScoreLoss.SPEC);
        losses.add(org.quaterion.loss.score.ListwiseCrossEntropyLoss.SPEC);
        losses.add(org.quaterion.loss.score.MarginMseScoreLoss.SPEC);
        losses.add(org.quaterion.loss.score.RankNetLoss.SPEC);
        losses.add(org.quaterion.loss.score.LambdaLoss.SPEC);

        for (ComponentSpec<? extends SimilarityLoss> s : losses) {
            out.add(ComponentFactory.of(s, SimilarityLoss.class));
        }
        List<ComponentSpec<? extends Miner>> miners = new ArrayList<>(List.of(BatchHardMiner.SPEC,
                MultiSimilarityMiner.SPEC, PairMarginMiner.SPEC, TripletMarginMiner.SPEC));

        // More miners
        miners.add(AngularMiner.SPEC);
        miners.add(BatchEasyHardMiner.SPEC);
        miners.add(DistanceWeightedMiner.SPEC);
        miners.add(EmbeddingsAlreadyPackagedAsTriplets.SPEC);
        miners.add(HDCMiner.SPEC);
        miners.add(UniformHistogramMiner.SPEC);

        for (ComponentSpec<? extends Miner> s : miners) {
            out.add(ComponentFactory.of(s, Miner.class));
        }
        for (ComponentSpec<? extends Reducer> s : Reducers.SPECS) {
            out.add(ComponentFactory.of(s, Reducer.class));
        }
        for (Distance.Kind kind : Distance.Kind.values()) {
            out.add(ComponentFactory.of(distance(kind), Distance.class));
        }
        return out;
    }

    /** A distance family as a component: its name is the type, normalize and scale its settings. */
    private static ComponentSpec<Distance> distance(Distance.Kind kind) {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return ComponentSpec.of(name, Distance.class, s -> {
            Distance d = Distance.byName(name);
            d = s.get(NORMALIZE) ? d.normalized() : d;
            return s.get(SCALE) == 1.0 ? d : d.scaled(s.get(SCALE));
        }, NORMALIZE, SCALE);
    }

    /** The settings of a distance as its spec writes them: {@link Distance#config()} without the name. */
    static JsonObject distanceSettings(Distance distance) {
        JsonObject json = distance.config();
        json.remove("name");
        return json;
    }
}
