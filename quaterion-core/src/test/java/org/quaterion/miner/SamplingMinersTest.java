package org.quaterion.miner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.Fixtures;
import org.quaterion.state.ComponentState;

/**
 * The random part of the sampling miners, which PML's torch generator makes impossible to compare draw for draw:
 * seeded draws reproduce (and resume from a saved call count), and their frequencies follow the distribution PML
 * samples from (DistanceWeightedMiner: the negative weights, uniform positives; UniformHistogramMiner: uniform
 * within each bin). Seeded, so deterministic; the bounds are five standard deviations.
 */
class SamplingMinersTest {

    private static final int CALLS = 300;

    private static NDArray[] dataset(NDManager m, String id) {
        JsonObject d = Fixtures.read("inputs.json").getAsJsonObject("datasets").getAsJsonObject(id);
        return new NDArray[] {m.create(Fixtures.matrix(d.get("embeddings"))),
            m.create(Fixtures.longVector(d.get("labels")))};
    }

    private static String key(IndexTuples t) {
        IndexTuples.Pairs p = t.toPairs();
        return java.util.Arrays.toString(p.a1().toLongArray()) + java.util.Arrays.toString(p.p().toLongArray())
                + java.util.Arrays.toString(p.a2().toLongArray()) + java.util.Arrays.toString(p.n().toLongArray());
    }

    @Test
    void seededDrawsReproduceAndResumeFromTheSavedCallCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = dataset(m, "grp_n32_d16_c4");
            for (java.util.function.IntFunction<Miner> make : java.util.List.<java.util.function.IntFunction<Miner>>of(
                    s -> DistanceWeightedMiner.builder().optSeed(s).build(),
                    s -> UniformHistogramMiner.builder().optNumBins(10).optSeed(s).build())) {
                Miner a = make.apply(7);
                Miner b = make.apply(7);
                String first = key(a.mine(d[0], d[1]));
                assertEquals(first, key(b.mine(d[0], d[1])), "same seed, same first draw");
                assertFalse(first.equals(key(make.apply(8).mine(d[0], d[1]))), "another seed, another draw");
                String second = key(a.mine(d[0], d[1]));
                assertFalse(first.equals(second), "each call draws afresh");
                ComponentState saved = ((org.quaterion.state.Stateful) a).saveState(m);
                String third = key(a.mine(d[0], d[1]));
                Miner resumed = make.apply(7);
                ((org.quaterion.state.Stateful) resumed).loadState(saved);
                assertEquals(third, key(resumed.mine(d[0], d[1])), "a resumed miner continues the stream");
                assertThrows(IllegalArgumentException.class,
                        () -> ((org.quaterion.state.Stateful) resumed).loadState(ComponentState.of(new JsonObject())));
            }
        }
    }

    @Test
    void distanceWeightedDrawsFollowTheWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = dataset(m, "grp_n40_d16_c6_unbal");
            DistanceWeightedMiner miner = DistanceWeightedMiner.builder().optSeed(3).build();
            int n = (int) d[0].getShape().get(0);
            double[] w = miner.weights(d[0], d[1], d[0], d[1]).toDoubleArray();
            long[] labels = d[1].toLongArray();
            double[][] negatives = new double[n][n];
            double[][] positives = new double[n][n];
            double[] perAnchor = new double[n];
            for (int call = 0; call < CALLS; call++) {
                IndexTuples.Triplets t = miner.mine(d[0], d[1]).toTriplets();
                long[] a = t.a().toLongArray();
                long[] p = t.p().toLongArray();
                long[] ng = t.n().toLongArray();
                for (int i = 0; i < a.length; i++) {
                    negatives[(int) a[i]][(int) ng[i]]++;
                    positives[(int) a[i]][(int) p[i]]++;
                    perAnchor[(int) a[i]]++;
                }
            }
            int checkedAnchors = 0;
            for (int a = 0; a < n; a++) {
                if (perAnchor[a] == 0) {
                    continue;
                }
                checkedAnchors++;
                int positivesOfA = 0;
                for (int j = 0; j < n; j++) {
                    positivesOfA += labels[j] == labels[a] && j != a ? 1 : 0;
                }
                for (int j = 0; j < n; j++) {
                    double q = w[a * n + j];
                    double sigma = Math.sqrt(q * (1 - q) / perAnchor[a]);
                    assertTrue(Math.abs(negatives[a][j] / perAnchor[a] - q) <= 5 * sigma + 1e-12,
                            "anchor " + a + ", negative " + j + ": frequency " + negatives[a][j] / perAnchor[a]
                                    + " vs weight " + q);
                    double u = labels[j] == labels[a] && j != a ? 1.0 / positivesOfA : 0;
                    double su = Math.sqrt(u * (1 - u) / perAnchor[a]);
                    assertTrue(Math.abs(positives[a][j] / perAnchor[a] - u) <= 5 * su + 1e-12,
                            "anchor " + a + ", positive " + j + ": frequency " + positives[a][j] / perAnchor[a]);
                }
            }
            assertEquals(39, checkedAnchors, "every anchor but the singleton class's");
        }
    }

    @Test
    void uniformHistogramDrawsAreUniformWithinEachBin() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = dataset(m, "grp_n32_d16_c4");
            int bins = 6;
            int perBin = 5;
            UniformHistogramMiner miner = UniformHistogramMiner.builder().optNumBins(bins).optPosPerBin(perBin)
                    .optNegPerBin(perBin).optSeed(11).build();
            MiningContext ctx = MiningContext.of(Distance.euclidean().normalized(), d[0], d[1], d[0], d[1]);
            IndexTuples.Pairs all = IndexTuples.pairsFromMasks(ctx.positives(), ctx.negatives());
            NDArray values = LossMath.pick(ctx.distances(), all.a1(), all.p());
            long[] binOf = UniformHistogramMiner.binOf(values, UniformHistogramMiner.edges(values.min().getDouble(),
                    values.max().getDouble(), bins)).toLongArray();
            long[] a1 = all.a1().toLongArray();
            long[] p = all.p().toLongArray();
            Map<String, Long> binOfPair = new HashMap<>();
            long[] binSizes = new long[bins];
            for (int i = 0; i < a1.length; i++) {
                binOfPair.put(a1[i] + "," + p[i], binOf[i]);
                binSizes[(int) binOf[i]]++;
            }
            Map<String, Integer> drawn = new HashMap<>();
            long filled = java.util.Arrays.stream(binSizes).filter(s -> s > 0).count();
            for (int call = 0; call < CALLS; call++) {
                IndexTuples.Pairs t = miner.mine(d[0], d[1]).toPairs();
                long[] a = t.a1().toLongArray();
                long[] o = t.p().toLongArray();
                assertEquals(filled * perBin, a.length);
                for (int i = 0; i < a.length; i++) {
                    drawn.merge(a[i] + "," + o[i], 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Long> e : binOfPair.entrySet()) {
                double q = 1.0 / binSizes[e.getValue().intValue()];
                double draws = CALLS * perBin;
                double f = drawn.getOrDefault(e.getKey(), 0) / draws;
                assertTrue(Math.abs(f - q) <= 5 * Math.sqrt(q * (1 - q) / draws) + 1e-12,
                        "pair " + e.getKey() + " in a bin of " + binSizes[e.getValue().intValue()] + ": frequency " + f);
            }
        }
    }

    @Test
    void binsFollowTorchLinspaceAndTheClosedLastBin() {
        double[] edges = UniformHistogramMiner.edges(0.25, 1.75, 3);
        assertArrayEquals(new double[] {0.25, 0.75, 1.25, 1.75}, edges, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray values = m.create(new double[] {0.25, 0.75, 1.2499999, 1.25, 1.75});
            assertArrayEquals(new long[] {0, 1, 1, 2, 2}, UniformHistogramMiner.binOf(values, edges).toLongArray());
            NDArray same = m.create(new double[] {0.5, 0.5});
            assertArrayEquals(new long[] {2, 2}, UniformHistogramMiner.binOf(same,
                    UniformHistogramMiner.edges(0.5, 0.5, 3)).toLongArray(), "equal distances: the last bin");
        }
    }

    @Test
    void angularMinerKeepsNoTripletOfIdenticalRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.ones(new ai.djl.ndarray.types.Shape(6, 4), ai.djl.ndarray.types.DataType.FLOAT64);
            NDArray labels = m.create(new long[] {0, 1, 0, 1, 0, 1});
            assertEquals(0, new AngularMiner().mine(e, labels).toTriplets().size());
        }
    }

    @Test
    void meaninglessSettingsAndBatchesAreRefused() {
        IllegalArgumentException semi = assertThrows(IllegalArgumentException.class, () -> BatchEasyHardMiner
                .builder().optPosStrategy(BatchEasyHardMiner.Strategy.SEMI_HARD).build());
        assertTrue(semi.getMessage().contains("cannot both be semi_hard"), semi.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchEasyHardMiner.builder()
                .optPosStrategy(BatchEasyHardMiner.Strategy.ALL).build());
        assertThrows(IllegalArgumentException.class, () -> new BatchEasyHardMiner.Range(1, 0));
        assertThrows(IllegalArgumentException.class, () -> DistanceWeightedMiner.builder().optCutoff(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> AngularMiner.builder().optDistance(Distance.cosine()));
        assertThrows(IllegalArgumentException.class, () -> HDCMiner.builder().optFilterPercentage(0).build());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.randomNormal(new ai.djl.ndarray.types.Shape(7, 4));
            NDArray labels = m.create(new long[] {0, 0, 1, 1, 1, 0, 0});
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> new EmbeddingsAlreadyPackagedAsTriplets().mine(e, labels));
            assertTrue(odd.getMessage().contains("not a multiple of 3"), odd.getMessage());
            NDArray six = e.get("0:6");
            NDArray sixLabels = labels.get("0:6");
            assertThrows(IllegalArgumentException.class, () -> new EmbeddingsAlreadyPackagedAsTriplets().mine(six,
                    sixLabels, six.duplicate(), sixLabels));
        }
    }
}
