package org.quaterion.registry;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
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
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.Miner;
import org.quaterion.miner.MultiSimilarityMiner;
import org.quaterion.miner.PairMarginMiner;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.reducer.Reducers;

/** The library's own losses and miners, each rebuilt from the keys its {@code config()} writes. */
final class BuiltinComponents {

    private BuiltinComponents() {}

    static List<ComponentFactory<?>> all() {
        return List.of(
                loss("triplet", TripletLoss.class, c -> new TripletLoss(num(c, "margin"), dist(c),
                        TripletLoss.Mining.valueOf(upper(c, "mining")), c.get("soft").getAsBoolean())),
                loss("triplet_margin", TripletMarginLoss.class, c -> new TripletMarginLoss(num(c, "margin"),
                        c.get("smooth").getAsBoolean(), dist(c), Reducers.byName(c.get("reducer").getAsString()))),
                loss("contrastive", ContrastiveLoss.class, c -> new ContrastiveLoss(num(c, "pos_margin"),
                        num(c, "neg_margin"), dist(c), Reducers.byName(c.get("reducer").getAsString()))),
                loss("online_contrastive", OnlineContrastiveLoss.class, c -> new OnlineContrastiveLoss(
                        num(c, "margin"), dist(c), OnlineContrastiveLoss.Mining.valueOf(upper(c, "mining")))),
                loss("multi_similarity", MultiSimilarityLoss.class, c -> new MultiSimilarityLoss(num(c, "alpha"),
                        num(c, "beta"), num(c, "base"), dist(c))),
                loss("ntxent", NTXentLoss.class, c -> new NTXentLoss(num(c, "temperature"), dist(c))),
                loss("supcon", SupConLoss.class, c -> new SupConLoss(num(c, "temperature"), dist(c))),
                loss("circle", CircleLoss.class, c -> new CircleLoss(num(c, "m"), num(c, "gamma"), dist(c))),
                loss("fast_ap", FastAPLoss.class, c -> new FastAPLoss(c.get("num_bins").getAsInt())),
                loss("lifted_structure", LiftedStructureLoss.class, c -> new LiftedStructureLoss(
                        num(c, "neg_margin"), num(c, "pos_margin"), dist(c))),
                loss("margin", MarginLoss.class, c -> new MarginLoss(num(c, "margin"), num(c, "nu"), num(c, "beta"),
                        c.get("learn_beta").getAsBoolean(), dist(c))),
                loss("arcface", ArcFaceLoss.class, c -> new ArcFaceLoss(classes(c), size(c), num(c, "scale"),
                        num(c, "margin"))),
                loss("cosface", CosFaceLoss.class, c -> new CosFaceLoss(classes(c), size(c), num(c, "scale"),
                        num(c, "margin"))),
                loss("softmax", SoftmaxLoss.class, c -> new SoftmaxLoss(classes(c), size(c),
                        num(c, "temperature"))),
                loss("proxy_anchor", ProxyAnchorLoss.class, c -> new ProxyAnchorLoss(classes(c), size(c),
                        num(c, "margin"), num(c, "alpha"))),
                loss("center", CenterLoss.class, c -> new CenterLoss(classes(c), size(c), num(c, "lambda_c"))),
                loss("multiple_negatives_ranking", MultipleNegativesRankingLoss.class, c ->
                        new MultipleNegativesRankingLoss(num(c, "scale"), dist(c), c.get("symmetric").getAsBoolean())),
                loss("cosent", CoSENTLoss.class, c -> new CoSENTLoss(num(c, "scale"), dist(c))),
                loss("pair_contrastive", org.quaterion.loss.pair.ContrastiveLoss.class, c ->
                        new org.quaterion.loss.pair.ContrastiveLoss(dist(c), num(c, "margin"),
                                c.get("size_average").getAsBoolean())),
                miner("batch_hard", BatchHardMiner.class, c -> new BatchHardMiner(dist(c))),
                miner("multi_similarity", MultiSimilarityMiner.class, c -> new MultiSimilarityMiner(
                        num(c, "epsilon"), dist(c))),
                miner("pair_margin", PairMarginMiner.class, c -> new PairMarginMiner(num(c, "pos_margin"),
                        num(c, "neg_margin"), dist(c))),
                miner("triplet_margin", TripletMarginMiner.class, c -> new TripletMarginMiner(num(c, "margin"),
                        TripletMarginMiner.Type.valueOf(upper(c, "type_of_triplets")), dist(c))));
    }

    private static double num(JsonObject c, String key) {
        if (!c.has(key) || !c.get(key).isJsonPrimitive()) {
            throw new IllegalArgumentException("config needs a number '" + key + "', got " + c);
        }
        return c.get(key).getAsDouble();
    }

    private static String upper(JsonObject c, String key) {
        return c.get(key).getAsString().toUpperCase(Locale.ROOT);
    }

    private static Distance dist(JsonObject c) {
        return Distance.fromConfig(c.getAsJsonObject("distance"));
    }

    private static int classes(JsonObject c) {
        return c.get("num_classes").getAsInt();
    }

    private static int size(JsonObject c) {
        return c.get("embedding_size").getAsInt();
    }

    private static <C extends SimilarityLoss> ComponentFactory<SimilarityLoss> loss(String name, Class<C> type,
            Function<JsonObject, C> create) {
        return factory(name, type, SimilarityLoss.class, create);
    }

    private static <C extends Miner> ComponentFactory<Miner> miner(String name, Class<C> type,
            Function<JsonObject, C> create) {
        return factory(name, type, Miner.class, create);
    }

    private static <K, C extends K> ComponentFactory<K> factory(String name, Class<C> type, Class<K> kind,
            Function<JsonObject, C> create) {
        return new ComponentFactory<>() {
            @Override
            public String typeName() {
                return name;
            }

            @Override
            public Class<? extends K> type() {
                return type;
            }

            @Override
            public Class<K> kind() {
                return kind;
            }

            @Override
            public K create(JsonObject config) {
                return create.apply(config);
            }
        };
    }
}
