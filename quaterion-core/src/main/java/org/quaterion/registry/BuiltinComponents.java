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
                loss("triplet", TripletLoss.class, TripletLoss::new, c -> TripletLoss.builder()
                        .optMargin(num(c, "margin")).optDistance(dist(c))
                        .optMining(TripletLoss.Mining.valueOf(upper(c, "mining")))
                        .optSmooth((c.has("smooth") ? c.get("smooth") : c.get("soft")).getAsBoolean()).build()),
                loss("triplet_margin", TripletMarginLoss.class, TripletMarginLoss::new, c -> TripletMarginLoss.builder()
                        .optMargin(num(c, "margin")).optSmooth(c.get("smooth").getAsBoolean()).optDistance(dist(c))
                        .optReducer(reducer(c)).build()),
                loss("contrastive", ContrastiveLoss.class, ContrastiveLoss::new, c -> ContrastiveLoss.builder()
                        .optPosMargin(num(c, "pos_margin")).optNegMargin(num(c, "neg_margin")).optDistance(dist(c))
                        .optReducer(reducer(c)).build()),
                loss("online_contrastive", OnlineContrastiveLoss.class, OnlineContrastiveLoss::new, c -> OnlineContrastiveLoss.builder()
                        .optMargin(num(c, "margin")).optDistance(dist(c))
                        .optMining(OnlineContrastiveLoss.Mining.valueOf(upper(c, "mining"))).build()),
                loss("multi_similarity", MultiSimilarityLoss.class, MultiSimilarityLoss::new, c -> MultiSimilarityLoss.builder()
                        .optAlpha(num(c, "alpha")).optBeta(num(c, "beta")).optBase(num(c, "base")).optDistance(dist(c))
                        .optReducer(reducer(c)).build()),
                loss("ntxent", NTXentLoss.class, () -> new NTXentLoss(0.07), c -> NTXentLoss.builder()
                        .optTemperature(num(c, "temperature")).optDistance(dist(c)).optReducer(reducer(c)).build()),
                loss("supcon", SupConLoss.class, () -> new SupConLoss(0.1), c -> SupConLoss.builder()
                        .optTemperature(num(c, "temperature")).optDistance(dist(c)).optReducer(reducer(c)).build()),
                loss("circle", CircleLoss.class, CircleLoss::new, c -> CircleLoss.builder().optMargin(num(c, "m"))
                        .optGamma(num(c, "gamma")).optDistance(dist(c)).optReducer(reducer(c)).build()),
                loss("fast_ap", FastAPLoss.class, FastAPLoss::new, c -> new FastAPLoss(c.get("num_bins").getAsInt(), reducer(c))),
                loss("lifted_structure", LiftedStructureLoss.class, LiftedStructureLoss::new, c -> LiftedStructureLoss.builder()
                        .optNegMargin(num(c, "neg_margin")).optPosMargin(num(c, "pos_margin")).optDistance(dist(c))
                        .optReducer(reducer(c)).build()),
                loss("margin", MarginLoss.class, MarginLoss::new, c -> MarginLoss.builder().optMargin(num(c, "margin"))
                        .optNu(num(c, "nu")).optBeta(num(c, "beta")).optLearnBeta(c.get("learn_beta").getAsBoolean())
                        .optDistance(dist(c)).build()),
                loss("arcface", ArcFaceLoss.class, () -> ArcFaceLoss.builder().setNumClasses(1).setEmbeddingSize(1)
                        .build(), c -> ArcFaceLoss.builder().setNumClasses(classes(c)).setEmbeddingSize(size(c))
                        .optScale(num(c, "scale")).optMargin(num(c, "margin")).optReducer(reducer(c)).build()),
                loss("cosface", CosFaceLoss.class, () -> CosFaceLoss.builder().setNumClasses(1).setEmbeddingSize(1)
                        .build(), c -> CosFaceLoss.builder().setNumClasses(classes(c)).setEmbeddingSize(size(c))
                        .optScale(num(c, "scale")).optMargin(num(c, "margin")).optReducer(reducer(c)).build()),
                loss("softmax", SoftmaxLoss.class, () -> SoftmaxLoss.builder().setNumClasses(1).setEmbeddingSize(1)
                        .build(), c -> SoftmaxLoss.builder().setNumClasses(classes(c)).setEmbeddingSize(size(c))
                        .optTemperature(num(c, "temperature")).optReducer(reducer(c)).build()),
                loss("proxy_anchor", ProxyAnchorLoss.class, () -> ProxyAnchorLoss.builder().setNumClasses(1)
                        .setEmbeddingSize(1).build(), c -> ProxyAnchorLoss.builder().setNumClasses(classes(c))
                        .setEmbeddingSize(size(c)).optMargin(num(c, "margin")).optAlpha(num(c, "alpha")).build()),
                loss("center", CenterLoss.class, () -> CenterLoss.builder().setNumClasses(1).setEmbeddingSize(1)
                        .build(), c -> CenterLoss.builder().setNumClasses(classes(c)).setEmbeddingSize(size(c))
                        .optLambda(num(c, "lambda_c")).optReducer(reducer(c)).build()),
                loss("multiple_negatives_ranking", MultipleNegativesRankingLoss.class, MultipleNegativesRankingLoss::new, c ->
                        MultipleNegativesRankingLoss.builder().optScale(num(c, "scale")).optDistance(dist(c))
                                .optSymmetric(c.get("symmetric").getAsBoolean()).optReducer(reducer(c)).build()),
                loss("cosent", CoSENTLoss.class, CoSENTLoss::new, c -> new CoSENTLoss(num(c, "scale"), dist(c))),
                loss("pair_contrastive", org.quaterion.loss.pair.PairContrastiveLoss.class, org.quaterion.loss.pair.PairContrastiveLoss::new, c ->
                        org.quaterion.loss.pair.PairContrastiveLoss.builder().optDistance(dist(c))
                                .optMargin(num(c, "margin")).optSizeAverage(c.get("size_average").getAsBoolean())
                                .optReducer(reducer(c)).build()),
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
