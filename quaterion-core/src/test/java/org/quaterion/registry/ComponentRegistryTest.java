package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.ArcFaceLoss;
import org.quaterion.loss.CenterLoss;
import org.quaterion.loss.ClassWeightLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.Miner;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.reducer.ThresholdReducer;

/** Every registered loss and miner rebuilds from its description with equal settings and equal results. */
class ComponentRegistryTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    private static List<SimilarityLoss> losses() {
        return AllLosses.variants();
    }

    private static List<Miner> miners() {
        return AllLosses.named(Miner.class, true).values().stream().map(java.util.function.Supplier::get).toList();
    }

    static double value(SimilarityLoss loss, NDManager m, double[][] emb, long[] labels, double[][] weights) {
        if (loss instanceof ClassWeightLoss c) { // a loss with several rows per class gets rows of its own
            c.setWeights(m, weights.length == c.weightRows() ? weights : AllLosses.gaussian(new Random(c.weightRows()),
                    c.weightRows(), c.embeddingSize()), DataType.FLOAT64);
        } else if (loss instanceof GroupLoss g) {
            g.initialize(m, DataType.FLOAT64);
        }
        NDArray e = m.create(emb);
        if (loss instanceof GroupLoss g) {
            return g.forward(e, m.create(labels)).getDouble();
        }
        if (loss instanceof org.quaterion.loss.score.ScoreLoss s) {
            return AllLosses.forwardScores(s, e).getDouble();
        }
        int n = emb.length / 2;
        long[][] pairs = new long[n][];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            pairs[i] = new long[] {i, i + n};
            scores[i] = loss instanceof MultipleNegativesRankingLoss ? 1 : i % 2;
        }
        long[] subgroups = new long[emb.length];
        return AllLosses.forwardPairs((PairwiseLoss) loss, e, m.create(pairs), m.create(scores), m.create(subgroups))
                .getDouble();
    }

    @Test
    void everyRegisteredLossRebuildsWithEqualConfigAndValues() {
        Random random = new Random(3);
        double[][] emb = AllLosses.gaussian(random, 12, 4);
        long[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        double[][] weights = AllLosses.gaussian(random, 3, 4);
        Set<String> covered = new TreeSet<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (SimilarityLoss loss : losses()) {
                JsonObject description = REGISTRY.describe(loss);
                SimilarityLoss rebuilt = REGISTRY.loss(description);
                assertEquals(loss.getClass(), rebuilt.getClass());
                assertEquals(loss.config(), rebuilt.config(), "config round trip of " + description);
                double a = value(loss, m, emb, labels, weights);
                double b = value(rebuilt, m, emb, labels, weights);
                assertEquals(a, b, 1e-12 * Math.max(1, Math.abs(a)), "same value: " + description);
                covered.add(description.get("type").getAsString());
            }
        }
        assertEquals(new TreeSet<>(REGISTRY.names(SimilarityLoss.class)), covered, "every registered loss is checked");
        System.out.println("ComponentRegistryTest: " + covered.size() + " loss types round-tripped");
    }

    @Test
    void everyRegisteredMinerRebuildsAndMinesTheSameTuples() {
        Set<String> covered = new TreeSet<>();
        try (NDManager m = NDManager.newBaseManager()) {
            // 18 rows: whole triplets for already_packaged_triplets
            NDArray emb = m.randomNormal(new ai.djl.ndarray.types.Shape(18, 4));
            NDArray labels = m.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1});
            for (Miner miner : miners()) {
                JsonObject description = REGISTRY.describe(miner);
                Miner rebuilt = REGISTRY.miner(description);
                assertEquals(miner.config(), rebuilt.config());
                IndexTuples.Pairs a = miner.mine(emb, labels).toPairs();
                IndexTuples.Pairs b = rebuilt.mine(emb, labels).toPairs();
                assertEquals(java.util.Arrays.toString(a.sizes()), java.util.Arrays.toString(b.sizes()),
                        "same tuples: " + description);
                covered.add(description.get("type").getAsString());
            }
        }
        assertEquals(new TreeSet<>(REGISTRY.names(Miner.class)), covered, "every registered miner is checked");
    }

    @Test
    void namedSettingsOverrideTheReferenceDefaults() {
        JsonObject overrides = new JsonObject();
        overrides.addProperty("margin", 0.1);
        overrides.addProperty("distance", "cosine");
        SimilarityLoss loss = REGISTRY.loss("triplet_margin", overrides);
        JsonObject expected = TripletMarginLoss.builder().optMargin(0.1).optSmooth(false).optDistance(Distance.cosine())
                .optReducer(new org.quaterion.reducer.AvgNonZeroReducer()).build().config();
        assertEquals(expected, loss.config());
        assertEquals(new MultipleNegativesRankingLoss().config(), REGISTRY.loss("multiple_negatives_ranking",
                new JsonObject()).config(), "no overrides: the reference defaults");
        JsonObject classes = new JsonObject();
        classes.addProperty("num_classes", 5);
        classes.addProperty("embedding_size", 8);
        assertEquals(ArcFaceLoss.builder().setNumClasses(5).setEmbeddingSize(8).optScale(64).optMargin(0.5)
                .build().config(), REGISTRY.loss("arcface", classes).config());
        JsonObject typo = new JsonObject();
        typo.addProperty("margn", 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> REGISTRY.loss("triplet_margin", typo));
        assertTrue(e.getMessage().contains("has no setting 'margn'") && e.getMessage().contains("margin"),
                e.getMessage());
        assertTrue(REGISTRY.isLoss("cosent", PairwiseLoss.class) && !REGISTRY.isLoss("cosent", GroupLoss.class));
    }

    @Test
    void centerLossDefaultsToQuaterionsLambda() {
        JsonObject sizes = new JsonObject();
        sizes.addProperty("num_classes", 3);
        sizes.addProperty("embedding_size", 4);
        // Quaterion's CenterLoss(lambda_c=0.5): the registry (and so the CLI) defaults to the reference value
        assertEquals(0.5, ComponentRegistry.discover().loss("center", sizes).config().get("lambda_c").getAsDouble(),
                0);
    }

    @Test
    void everyRegisteredReducerAndDistanceRebuildsWithEqualConfig() {
        for (Class<?> kind : List.of(org.quaterion.reducer.Reducer.class, Distance.class)) {
            Set<String> covered = new TreeSet<>();
            for (java.util.function.Supplier<?> make : AllLosses.named(kind, true).values()) {
                Object component = make.get();
                JsonObject description = REGISTRY.describe(component);
                Object rebuilt = REGISTRY.create(kind, description);
                assertEquals(description, REGISTRY.describe(rebuilt), "round trip of " + description);
                covered.add(description.get("type").getAsString());
            }
            assertEquals(new TreeSet<>(REGISTRY.names(kind)), covered, "every registered " + kind.getSimpleName());
        }
        assertEquals(Distance.cosine().scaled(0.5), REGISTRY.distance(REGISTRY.describe(Distance.cosine().scaled(0.5))));
    }

    @Test
    void unknownNamesListTheValidOnes() {
        JsonObject unknown = new JsonObject();
        unknown.addProperty("type", "tripletz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss(unknown));
        assertTrue(e.getMessage().contains("unknown SimilarityLoss type 'tripletz'") && e.getMessage().contains(
                "triplet_margin"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> REGISTRY.miner(unknown));
        JsonObject threshold = REGISTRY.describe(ThresholdReducer.of(0.1, null));
        assertEquals("{\"type\":\"threshold\",\"config\":{\"low\":0.1,\"high\":null}}", threshold.toString());
        assertEquals(threshold, REGISTRY.describe(REGISTRY.reducer(threshold)));
        IllegalArgumentException median = assertThrows(IllegalArgumentException.class,
                () -> REGISTRY.reducer("median"));
        assertTrue(median.getMessage().contains("avg_non_zero"), median.getMessage());
    }

    @Test
    void wrongTypesAndUnknownKeysAreRefusedByName() {
        JsonObject word = new JsonObject();
        word.addProperty("margin", "big");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> REGISTRY.loss("triplet_margin", word));
        assertTrue(e.getMessage().contains("'margin'") && e.getMessage().contains("must be a number"), e.getMessage());
        JsonObject flag = new JsonObject();
        flag.addProperty("smooth", "yes");
        e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("triplet_margin", flag));
        assertTrue(e.getMessage().contains("'smooth'") && e.getMessage().contains("true or false"), e.getMessage());
        JsonObject distance = new JsonObject();
        JsonObject d = Distance.cosine().config();
        d.addProperty("scael", 2);
        distance.add("distance", d);
        e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("triplet_margin", distance));
        assertTrue(e.getMessage().contains("'scael'") && e.getMessage().contains("scale"), e.getMessage());
        JsonObject reducer = new JsonObject();
        JsonObject r = new JsonObject();
        r.addProperty("type", "threshold");
        r.addProperty("lo", 0.1);
        reducer.add("reducer", r);
        e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("triplet_margin", reducer));
        assertTrue(e.getMessage().contains("'lo'") && e.getMessage().contains("[low, high]"), e.getMessage());
        JsonObject range = new JsonObject();
        range.addProperty("margin", -1);
        e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("triplet_margin", range));
        assertTrue(e.getMessage().contains("margin >= 0"), e.getMessage());
    }

    @Test
    void minerConfigsHoldSettingsAndTheRegistryNameNotTheClass() {
        JsonObject description = REGISTRY.describe(new BatchHardMiner());
        assertEquals("batch_hard", description.get("type").getAsString());
        assertEquals(new BatchHardMiner().config(), description.getAsJsonObject("config"));
        assertTrue(!new BatchHardMiner().config().toString().contains("BatchHardMiner"));
    }

    @Test
    void theSoftKeyIsRefusedWithTheNewName() {
        JsonObject triplet = REGISTRY.describe(TripletLoss.builder().optSmooth(true).build());
        JsonObject config = triplet.getAsJsonObject("config");
        config.add("soft", config.remove("smooth"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss(triplet));
        assertTrue(e.getMessage().contains("no setting 'soft'") && e.getMessage().contains("smooth"), e.getMessage());
    }

    @Test
    void pmlsSpellingOfSemiHardIsRead() {
        JsonObject miner = REGISTRY.describe(TripletMarginMiner.builder().optMargin(0.2)
                .optType(TripletMarginMiner.Type.SEMI_HARD).optDistance(Distance.cosine()).build());
        miner.getAsJsonObject("config").addProperty("type_of_triplets", "semihard"); // PML's spelling
        assertEquals("semi_hard", REGISTRY.miner(miner).config().get("type_of_triplets").getAsString());
        miner.getAsJsonObject("config").addProperty("type_of_triplets", "medium");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.miner(miner));
        assertTrue(e.getMessage().contains("semi_hard"), e.getMessage());
    }
}
