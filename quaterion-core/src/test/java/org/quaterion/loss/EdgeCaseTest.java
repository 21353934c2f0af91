package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.MultiSimilarityMiner;
import org.quaterion.miner.PairMarginMiner;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.registry.AllLosses;

/** Degenerate batches give a defined, finite value and gradient for every loss; bad input gives a clear error. */
class EdgeCaseTest {

    private static final int DIM = 4;

    /** Every registered group loss, with each of its choices and flags (AllLosses names them). */
    private static Map<String, Supplier<GroupLoss>> groupLosses() {
        Map<String, Supplier<GroupLoss>> m = new LinkedHashMap<>();
        AllLosses.named(SimilarityLoss.class, false).forEach((name, make) -> {
            if (make.get() instanceof GroupLoss) {
                m.put(name, () -> (GroupLoss) make.get());
            }
        });
        return m;
    }

    /** Losses that need both a positive and a negative: nothing to learn without them, so exactly 0. */
    private static final Set<String> NEED_BOTH = Set.of("triplet.mining=all", "triplet.mining=semi_hard",
            "triplet_margin", "ntxent", "circle", "margin");

    private static LossHarness.Result run(GroupLoss loss, double[][] emb, long[] labels) {
        try (NDManager m = NDManager.newBaseManager()) {
            loss.initialize(m, DataType.FLOAT64);
            LossHarness.Result r = LossHarness.run(m, emb, e -> loss.forward(e, e.getManager().create(labels)),
                    null);
            return r;
        }
    }

    private static void assertFinite(String what, LossHarness.Result r) {
        assertTrue(Double.isFinite(r.value()), what + ": value " + r.value());
        for (double g : r.grad()) {
            assertTrue(Double.isFinite(g), what + ": gradient has " + g);
        }
    }

    @Test
    void degenerateBatchesAreFinite() {
        double[][] emb = Brute.rows(7, 6, DIM);
        double[][] identical = new double[6][];
        for (int i = 0; i < 6; i++) {
            identical[i] = new double[] {0.5, -1, 2, 0.25};
        }
        int checked = 0;
        for (Map.Entry<String, Supplier<GroupLoss>> e : groupLosses().entrySet()) {
            String name = e.getKey();
            if (e.getValue().get() instanceof VICRegLoss) {
                continue; // two views of the same inputs, not groups: PmlComposeTest runs its degenerate views
            }
            LossHarness.Result oneClass = run(e.getValue().get(), emb, new long[] {1, 1, 1, 1, 1, 1});
            assertFinite(name + " one class", oneClass);
            if (NEED_BOTH.contains(name) || name.equals("triplet") || name.startsWith("triplet.")) {
                assertEquals(0.0, oneClass.value(), 0.0, name + " with no negatives");
                assertEquals(0.0, LossHarness.maxAbs(oneClass.grad()), 0.0, name + " gradient with no negatives");
            }
            LossHarness.Result singletons = run(e.getValue().get(), Brute.rows(8, 3, DIM), new long[] {0, 1, 2});
            assertFinite(name + " singletons", singletons);
            if (NEED_BOTH.contains(name)) {
                assertEquals(0.0, singletons.value(), 0.0, name + " with no positives");
            }
            assertFinite(name + " identical embeddings", run(e.getValue().get(), identical,
                    new long[] {0, 0, 1, 1, 2, 2}));
            assertFinite(name + " single row", run(e.getValue().get(), Brute.rows(9, 1, DIM), new long[] {2}));
            checked += 4;
        }
        assertTrue(checked > 0);
        System.out.println(checked + " degenerate loss cases checked");
    }

    @Test
    void pairLossesHandleDegenerateBatches() {
        double[][] identical = {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}};
        long[][] pairs = {{0, 2}, {1, 3}};
        for (Supplier<SimilarityLoss> make : AllLosses.named(SimilarityLoss.class, false).values()) {
            if (!(make.get() instanceof PairwiseLoss loss)) {
                continue;
            }
            double[] scores = loss instanceof MultipleNegativesRankingLoss ? new double[] {1, 1} : new double[] {1, 0};
            try (NDManager m = NDManager.newBaseManager()) {
                LossHarness.Result r = LossHarness.run(m, identical, e -> org.quaterion.registry.AllLosses
                        .forwardPairs(loss, e, m.create(pairs), m.create(scores), m.create(new long[] {0, 1, 0, 1})),
                        null);
                assertFinite(loss.toString(), r);
            }
        }
    }

    @Test
    void minersReturnNothingWhenNothingQualifies() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(Brute.rows(3, 5, DIM));
            NDArray oneClass = m.create(new long[] {4, 4, 4, 4, 4});
            assertEquals(0, new BatchHardMiner().mine(e, oneClass).toTriplets().size());
            assertEquals(0, TripletMarginMiner.builder().optMargin(0.2).optType(TripletMarginMiner.Type.ALL).build().mine(e, oneClass).toTriplets()
                    .size());
            assertEquals(0, MultiSimilarityMiner.builder().optEpsilon(0.1).build().mine(e, oneClass).toPairs().sizes()[1]);
            assertEquals(0, new PairMarginMiner().mine(e, oneClass).toPairs().sizes()[1]);
            NDArray loss = new TripletMarginLoss().forward(e, oneClass, new BatchHardMiner().mine(e, oneClass));
            assertEquals(0.0, loss.toType(DataType.FLOAT64, false).getDouble(), 0.0);
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(Brute.rows(1, 4, DIM));
            NDArray labels = m.create(new long[] {0, 1, 0, 1});
            double[][] nan = Brute.rows(1, 4, DIM);
            nan[2][1] = Double.NaN;
            double[][] inf = Brute.rows(1, 4, DIM);
            inf[0][0] = Double.POSITIVE_INFINITY;
            for (Map.Entry<String, Supplier<GroupLoss>> e : groupLosses().entrySet()) {
                GroupLoss loss = e.getValue().get();
                assertMessage("NaN or infinite", () -> loss.forward(m.create(nan), labels));
                assertMessage("NaN or infinite", () -> loss.forward(m.create(inf), labels));
                assertMessage("labels must be (n) = (4)", () -> loss.forward(emb, m.create(new long[] {0, 1})));
                assertMessage("embeddings must be (n, d)", () -> loss.forward(m.create(new double[] {1, 2}),
                        m.create(new long[] {0, 1})));
                assertMessage("labels must be integers", () -> loss.forward(emb, m.create(new float[] {0, 1, 0, 1})));
            }
            assertMessage("labels must be in [0, 3)", () -> ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(DIM)
                    .optScale(64).optMargin(0.5).build().forward(emb,
                    m.create(new long[] {0, 1, 3, 1})));
            assertMessage("labels must be in [0, 3)", () -> SoftmaxLoss.builder().setNumClasses(3).setEmbeddingSize(DIM)
                    .optTemperature(0.05).build().forward(emb,
                    m.create(new long[] {-1, 1, 0, 1})));
            assertMessage("expects embeddings of size 5", () -> CenterLoss.builder().setNumClasses(2)
                    .setEmbeddingSize(5).optLambda(0.5).build().forward(emb,
                    m.create(new long[] {0, 1, 0, 1})));
            assertMessage("pair indices must be in [0, 4)", () -> new org.quaterion.loss.pair.PairContrastiveLoss().forward(emb,
                    m.create(new long[][] {{0, 4}}), m.create(new double[] {1}), null));
            assertMessage("labels must be (n) = (1)", () -> new org.quaterion.loss.pair.PairContrastiveLoss().forward(emb,
                    m.create(new long[][] {{0, 1}}), m.create(new double[] {1, 0}), null));
            assertMessage("positive pairs only", () -> new MultipleNegativesRankingLoss().forward(emb,
                    m.create(new long[][] {{0, 1}, {2, 3}}), m.create(new double[] {1, 0}), null));
            assertMessage("NTXentLoss needs temperature > 0", () -> new NTXentLoss(0));
            assertMessage("smooth=true applies to mining HARD only", () -> TripletLoss.builder().optMargin(0.5)
                    .optDistance(Distance.cosine()).optMining(TripletLoss.Mining.ALL).optSmooth(true).build());
            assertMessage("FastAPLoss needs num_bins >= 1", () -> new FastAPLoss(0));
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
