package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.reducer.SumReducer;
import org.quaterion.registry.AllLosses;
import org.quaterion.registry.ComponentRegistry;

/**
 * The PML pair and tuple losses beyond the fixtures: registry round trips, what each refuses and why, and the cases
 * where PML gives NaN, fails or depends on the embeddings' norms.
 */
class PmlTupleLossesTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    /** Registry name to non-default settings, as a YAML {@code loss:} block would give them. */
    private static final Map<String, String> CONFIGS = Map.of(
            "angular", "{\"alpha\": 35, \"reducer\": \"sum\"}",
            "generalized_lifted_structure", "{\"neg_margin\": 0.7, \"pos_margin\": 0.1, \"distance\": \"cosine\"}",
            "intra_pair_variance", "{\"pos_eps\": 0.05, \"neg_eps\": 0.02}",
            "n_pairs", "{\"distance\": {\"name\": \"cosine\", \"normalize\": true, \"scale\": 1.0}}",
            "nca", "{\"softmax_scale\": 3}",
            "tuplet_margin", "{\"margin\": 8, \"scale\": 32}",
            "dynamic_soft_margin", "{\"min_val\": -2.5, \"num_bins\": 20, \"momentum\": 0.1}");

    @Test
    void eachLossRoundTripsThroughTheRegistryWithItsSettings() {
        for (Map.Entry<String, String> e : CONFIGS.entrySet()) {
            JsonObject overrides = JsonParser.parseString(e.getValue()).getAsJsonObject();
            SimilarityLoss loss = REGISTRY.loss(e.getKey(), overrides);
            JsonObject description = REGISTRY.describe(loss);
            assertEquals(e.getKey(), description.get("type").getAsString());
            SimilarityLoss rebuilt = REGISTRY.loss(description);
            assertEquals(loss.config(), rebuilt.config(), e.getKey());
            for (String key : overrides.keySet()) {
                assertTrue(description.getAsJsonObject("config").has(key), e.getKey() + " keeps " + key);
            }
        }
        assertEquals(35.0, ((JsonObject) REGISTRY.describe(REGISTRY.loss("angular",
                JsonParser.parseString(CONFIGS.get("angular")).getAsJsonObject())).get("config")).get("alpha")
                .getAsDouble());
    }

    @Test
    void lossesWithOneCompatibleDistanceHaveNoDistanceSetting() {
        for (var builder : new LossBuilder<?, ?>[] {AngularLoss.builder(), TupletMarginLoss.builder(),
            DynamicSoftMarginLoss.builder()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> builder.optDistance(Distance.cosine()));
            assertTrue(e.getMessage().contains("distance"), e.getMessage());
        }
        assertEquals(Distance.euclidean().normalized(), new AngularLoss().distance());
        assertEquals(Distance.cosine(), new TupletMarginLoss().distance());
        assertEquals(Distance.euclidean().normalized(), new DynamicSoftMarginLoss().distance());
        assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("angular",
                JsonParser.parseString("{\"distance\": \"cosine\"}").getAsJsonObject()));
    }

    @Test
    void pmlsDefaultsAndRefusals() {
        assertEquals(Distance.squaredEuclidean().normalized(), new NCALoss().distance());
        assertEquals(Distance.dotProduct().normalized(), new NPairsLoss().distance());
        assertEquals(Distance.cosine(), new IntraPairVarianceLoss().distance());
        assertEquals(Reduction.ALREADY_REDUCED, new DynamicSoftMarginLoss().reduction());
        assertThrows(IllegalArgumentException.class,
                () -> DynamicSoftMarginLoss.builder().optReducer(new SumReducer()));
        assertThrows(IllegalArgumentException.class, () -> AngularLoss.builder().optAlpha(90).build());
        assertThrows(IllegalArgumentException.class, () -> DynamicSoftMarginLoss.builder().optMinVal(1).build());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(AllLosses.gaussian(new Random(1), 6, 4));
            NDArray labels = m.create(new long[] {0, 0, 1, 1, 2, 2});
            IllegalArgumentException refs = assertThrows(IllegalArgumentException.class,
                    () -> new NPairsLoss().forward(e, labels, null, e.add(1), labels));
            assertTrue(refs.getMessage().contains("reference embeddings"), refs.getMessage());
        }
    }

    @Test
    void angularLossDependsOnDirectionsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] rows = AllLosses.gaussian(new Random(2), 12, 5);
            NDArray labels = m.create(new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2});
            NDArray e = m.create(rows);
            double[] norms = {0.2, 1, 3, 0.5, 7, 1, 1, 2, 0.3, 1, 4, 1};
            double[][] scaled = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                final double f = norms[i];
                scaled[i] = java.util.Arrays.stream(rows[i]).map(v -> v * f).toArray();
            }
            AngularLoss loss = new AngularLoss();
            double a = loss.forward(e, labels).getDouble();
            double b = loss.forward(m.create(scaled), labels).getDouble();
            assertEquals(a, b, 1e-12 * a, "PML's raw negatives would make these differ");
        }
    }

    @Test
    void ncaWithoutPositivesIsZeroNotNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] rows = AllLosses.gaussian(new Random(3), 5, 4);
            NDArray labels = m.create(new long[] {0, 1, 2, 3, 4});
            LossHarness.Result r = LossHarness.run(m, rows, e -> new NCALoss().forward(e, labels), null);
            assertEquals(0.0, r.value());
            assertArrayEquals(new double[rows.length * 4], r.grad());
        }
    }

    @Test
    void tupletMarginIsFiniteOnIdenticalEmbeddings() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] rows = new double[6][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new double[] {0.3, -1.2, 0.8, 0.1};
            }
            NDArray labels = m.create(new long[] {0, 1, 0, 1, 0, 1});
            LossHarness.Result r = LossHarness.run(m, rows, e -> new TupletMarginLoss().forward(e, labels), null);
            assertTrue(Double.isFinite(r.value()) && r.value() > 0, "value " + r.value());
            assertTrue(java.util.Arrays.stream(r.grad()).allMatch(Double::isFinite));
        }
    }

    @Test
    void dynamicSoftMarginCarriesItsHistogramAndClampsOutOfRangeValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2});
            NDArray e = m.create(AllLosses.gaussian(new Random(4), 12, 3));
            // min_val −0.2 covers only [−0.2, 0.2]: most d_ap − d_an fall outside and land on the end points
            DynamicSoftMarginLoss narrow = DynamicSoftMarginLoss.builder().optMinVal(-0.2).optMomentum(0.5).build();
            assertEquals(0.0, java.util.Arrays.stream(narrow.histogram()).sum());
            double first = narrow.forward(e, labels).getDouble();
            double[] h1 = narrow.histogram();
            assertEquals(1.0, java.util.Arrays.stream(h1).sum(), 1e-12);
            narrow.forward(m.create(AllLosses.gaussian(new Random(7), 12, 3)), labels);
            double[] h2 = narrow.histogram();
            assertTrue(Double.isFinite(first));
            assertEquals(1.0, java.util.Arrays.stream(h2).sum(), 1e-12);
            assertTrue(!java.util.Arrays.equals(h1, h2), "the second batch moves the histogram");
        }
    }

    /** NPairsLoss's mined pairs are checked by the parity cases (BatchHardMiner, PairMarginMiner). */
    @Test
    void minedTuplesAreUsedWherePmlUsesThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2});
            NDArray e = m.create(AllLosses.gaussian(new Random(5), 12, 4));
            TripletMarginMiner miner = TripletMarginMiner.builder().optMargin(0.2)
                    .optType(TripletMarginMiner.Type.HARD).build();
            Function<GroupLoss, double[]> both = loss -> new double[] {loss.forward(e, labels).getDouble(),
                loss.forward(e, labels, miner.mine(e, labels)).getDouble()};
            for (GroupLoss loss : new GroupLoss[] {new AngularLoss(), new GeneralizedLiftedStructureLoss(),
                new IntraPairVarianceLoss(), new NCALoss(), new TupletMarginLoss()}) {
                assertTrue(loss.usesMinedTuples(), loss.toString());
                double[] v = both.apply(loss);
                assertTrue(v[0] != v[1], loss + " gives the same value with and without mined tuples");
            }
        }
    }

    @Test
    void oneMinedTripletIsLearnedFrom() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 0, 1, 1});
            // the negative (row 2) lies closer to the anchor than the positive (row 1)
            NDArray e = m.create(new double[][] {{1, 0, 0}, {0, 1, 0}, {1, 0.1, 0}, {0, 0, 1}});
            IndexTuples one = new IndexTuples.Triplets(m.create(new long[] {0}), m.create(new long[] {1}),
                    m.create(new long[] {2}));
            // PML's pair losses return 0 for a single positive and negative pair; these compute it
            assertTrue(new GeneralizedLiftedStructureLoss().forward(e, labels, one).getDouble() > 0);
            assertTrue(new TupletMarginLoss().forward(e, labels, one).getDouble() > 0);
        }
    }
}
