package org.quaterion.registry;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
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
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;

/** The library's own losses and miners, each rebuilt from the keys its {@code config()} writes. */
final class BuiltinComponents {

    private BuiltinComponents() {}

    static List<ComponentFactory<?>> all() {
        return List.of(
                loss("triplet", TripletLoss.class, TripletLoss::new, c -> new TripletLoss(num(c, "margin"), dist(c),
                        TripletLoss.Mining.valueOf(upper(c, "mining")),
                        (c.has("smooth") ? c.get("smooth") : c.get("soft")).getAsBoolean())),
                loss("triplet_margin", TripletMarginLoss.class, TripletMarginLoss::new, c -> new TripletMarginLoss(num(c, "margin"),
                        c.get("smooth").getAsBoolean(), dist(c), reducer(c))),
                loss("contrastive", ContrastiveLoss.class, ContrastiveLoss::new, c -> new ContrastiveLoss(num(c, "pos_margin"),
                        num(c, "neg_margin"), dist(c), reducer(c))),
                loss("online_contrastive", OnlineContrastiveLoss.class, OnlineContrastiveLoss::new, c -> new OnlineContrastiveLoss(
                        num(c, "margin"), dist(c), OnlineContrastiveLoss.Mining.valueOf(upper(c, "mining")))),
                loss("multi_similarity", MultiSimilarityLoss.class, MultiSimilarityLoss::new, c -> new MultiSimilarityLoss(num(c, "alpha"),
                        num(c, "beta"), num(c, "base"), dist(c), reducer(c))),
                loss("ntxent", NTXentLoss.class, () -> new NTXentLoss(0.07), c -> new NTXentLoss(num(c, "temperature"), dist(c), reducer(c))),
                loss("supcon", SupConLoss.class, () -> new SupConLoss(0.1), c -> new SupConLoss(num(c, "temperature"), dist(c), reducer(c))),
                loss("circle", CircleLoss.class, CircleLoss::new, c -> new CircleLoss(num(c, "m"), num(c, "gamma"), dist(c), reducer(c))),
                loss("fast_ap", FastAPLoss.class, FastAPLoss::new, c -> new FastAPLoss(c.get("num_bins").getAsInt(), reducer(c))),
                loss("lifted_structure", LiftedStructureLoss.class, LiftedStructureLoss::new, c -> new LiftedStructureLoss(
                        num(c, "neg_margin"), num(c, "pos_margin"), dist(c), reducer(c))),
                loss("margin", MarginLoss.class, MarginLoss::new, c -> new MarginLoss(num(c, "margin"), num(c, "nu"), num(c, "beta"),
                        c.get("learn_beta").getAsBoolean(), dist(c))),
                loss("arcface", ArcFaceLoss.class, () -> new ArcFaceLoss(1, 1, 64, 0.5), c -> new ArcFaceLoss(classes(c), size(c), num(c, "scale"),
                        num(c, "margin"), reducer(c))),
                loss("cosface", CosFaceLoss.class, () -> new CosFaceLoss(1, 1, 64, 0.35), c -> new CosFaceLoss(classes(c), size(c), num(c, "scale"),
                        num(c, "margin"), reducer(c))),
                loss("softmax", SoftmaxLoss.class, () -> new SoftmaxLoss(1, 1, 0.05), c -> new SoftmaxLoss(classes(c), size(c),
                        num(c, "temperature"), reducer(c))),
                loss("proxy_anchor", ProxyAnchorLoss.class, () -> new ProxyAnchorLoss(1, 1, 0.1, 32), c -> new ProxyAnchorLoss(classes(c), size(c),
                        num(c, "margin"), num(c, "alpha"))),
                loss("center", CenterLoss.class, () -> new CenterLoss(1, 1, 1.0), c -> new CenterLoss(classes(c), size(c), num(c, "lambda_c"), reducer(c))),
                loss("multiple_negatives_ranking", MultipleNegativesRankingLoss.class, MultipleNegativesRankingLoss::new, c ->
                        new MultipleNegativesRankingLoss(num(c, "scale"), dist(c), c.get("symmetric").getAsBoolean())),
                loss("cosent", CoSENTLoss.class, CoSENTLoss::new, c -> new CoSENTLoss(num(c, "scale"), dist(c))),
                loss("pair_contrastive", org.quaterion.loss.pair.PairContrastiveLoss.class, org.quaterion.loss.pair.PairContrastiveLoss::new, c ->
                        new org.quaterion.loss.pair.PairContrastiveLoss(dist(c), num(c, "margin"),
                                c.get("size_average").getAsBoolean())),
                miner("batch_hard", BatchHardMiner.class, BatchHardMiner::new, c -> new BatchHardMiner(dist(c))),
                miner("multi_similarity", MultiSimilarityMiner.class, () -> new MultiSimilarityMiner(0.1), c -> new MultiSimilarityMiner(
                        num(c, "epsilon"), dist(c))),
                miner("pair_margin", PairMarginMiner.class, PairMarginMiner::new, c -> new PairMarginMiner(num(c, "pos_margin"),
                        num(c, "neg_margin"), dist(c))),
                miner("triplet_margin", TripletMarginMiner.class, () -> new TripletMarginMiner(0.05, TripletMarginMiner.Type.ALL), c -> new TripletMarginMiner(num(c, "margin"),
                        TripletMarginMiner.Type.of(c.get("type_of_triplets").getAsString()), dist(c))));
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

    /** The reducer named in the config; null (the loss's default) when the config has none. */
    private static Reducer reducer(JsonObject c) {
        return c.has("reducer") ? Reducers.byName(c.get("reducer").getAsString()) : null;
    }

    private static int classes(JsonObject c) {
        return c.get("num_classes").getAsInt();
    }

    private static int size(JsonObject c) {
        return c.get("embedding_size").getAsInt();
    }

    private static <C extends SimilarityLoss> ComponentFactory<SimilarityLoss> loss(String name, Class<C> type,
            Supplier<C> defaults, Function<JsonObject, C> create) {
        return factory(name, type, SimilarityLoss.class, () -> {
            JsonObject config = defaults.get().config();
            config.remove("num_classes"); // no default: the data decides
            config.remove("embedding_size");
            return config;
        }, create);
    }

    private static <C extends Miner> ComponentFactory<Miner> miner(String name, Class<C> type, Supplier<C> defaults,
            Function<JsonObject, C> create) {
        return factory(name, type, Miner.class, () -> defaults.get().config(), create);
    }

    private static <K, C extends K> ComponentFactory<K> factory(String name, Class<C> type, Class<K> kind,
            Supplier<JsonObject> defaults, Function<JsonObject, C> create) {
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

            @Override
            public JsonObject defaultConfig() {
                return defaults.get();
            }
        };
    }
}
