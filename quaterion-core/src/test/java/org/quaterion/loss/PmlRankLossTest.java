package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.BatchedDistance;
import org.quaterion.distance.Distance;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.IndexTuples;
import org.quaterion.registry.ComponentRegistry;

/**
 * The histogram, ranking and signal-to-noise losses beyond their fixtures: the blocked ranked-list computation, a
 * miner on {@link BatchedDistance}, what each loss refuses, and the registry round trip.
 */
class PmlRankLossTest {

    private static final long[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 3, 0, 1};

    @Test
    void rankedListByBlocksEqualsOneBlock() {
        double[][] emb = Brute.rows(11, LABELS.length, 5);
        RankedListLoss loss = RankedListLoss.builder().setMargin(0.4).setTn(2).optTp(1).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(LABELS);
            LossHarness.Result whole = LossHarness.run(m, emb, e -> loss.perAnchor(LossInputs.of(e, labels, null,
                    null, null, "t"), RankedListLoss.BLOCK_ROWS).sum(), null);
            LossHarness.Result blocked = LossHarness.run(m, emb, e -> loss.perAnchor(LossInputs.of(e, labels, null,
                    null, null, "t"), 3).sum(), null);
            assertTrue(whole.value() > 0);
            assertEquals(whole.value(), blocked.value(), 1e-12 * whole.value());
            assertArrayEquals(whole.grad(), blocked.grad(), 1e-12);
            assertEquals(whole.value() / LABELS.length, LossHarness.run(m, emb, e -> loss.forward(e, labels), null)
                    .value(), 1e-12, "the mean over anchors");
        }
    }

    @Test
    void aMinerOnBlockedDistancesMinesWhatBatchHardMines() {
        double[][] emb = Brute.rows(12, LABELS.length, 6);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(emb);
            NDArray labels = m.create(LABELS);
            IndexTuples.Triplets mined = new BatchHardMiner().mine(e, labels).toTriplets();
            // per anchor the farthest positive and the closest negative, 4 anchors at a time
            NDArray picks = new BatchedDistance(Distance.euclidean().normalized(), 4).mapBlocks(e, null,
                    (block, start, end) -> {
                        NDArray rowLabels = labels.get(new NDIndex("{}:{}", start, end));
                        NDArray same = rowLabels.expandDims(1).eq(labels.expandDims(0));
                        NDArray self = m.arange((int) start, (int) end, 1, DataType.INT64).expandDims(1)
                                .eq(m.arange(0, LABELS.length, 1, DataType.INT64).expandDims(0));
                        NDArray pos = same.logicalAnd(self.logicalNot());
                        NDArray far = NDArrays.where(pos, block, block.onesLike().neg()).argMax(1);
                        NDArray close = NDArrays.where(same, block.onesLike().add(99), block)
                                .argMin(1);
                        return NDArrays.stack(new ai.djl.ndarray.NDList(far, close), 1);
                    });
            long[] a = mined.a().toLongArray();
            long[] p = mined.p().toLongArray();
            long[] n = mined.n().toLongArray();
            long[] flat = picks.toLongArray();
            assertEquals(LABELS.length, a.length, "every anchor has a positive and a negative");
            for (int k = 0; k < a.length; k++) {
                assertEquals(p[k], flat[(int) a[k] * 2], "hardest positive of " + a[k]);
                assertEquals(n[k], flat[(int) a[k] * 2 + 1], "hardest negative of " + a[k]);
            }
        }
    }

    @Test
    void minedTuplesAndReferencesAreRefusedWherePmlRefusesThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(Brute.rows(13, LABELS.length, 4));
            NDArray labels = m.create(LABELS);
            IndexTuples tuples = new BatchHardMiner().mine(e, labels);
            for (GroupLoss loss : List.of(RankedListLoss.builder().setMargin(0.4).setTn(1).build(),
                    new InstanceLoss(), new PNPLoss())) {
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                        () -> loss.forward(e, labels, tuples), loss.toString());
                assertTrue(x.getMessage().contains("cannot use mined tuples"), x.getMessage());
                assertTrue(!loss.usesMinedTuples());
            }
            new HistogramLoss().forward(e, labels, tuples);
            new ThresholdConsistentMarginLoss().forward(e, labels, tuples);
            new SignalToNoiseRatioContrastiveLoss().forward(e, labels, tuples);
            for (GroupLoss loss : List.of(RankedListLoss.builder().setMargin(0.4).setTn(1).build(),
                    new InstanceLoss(), new PNPLoss(), new HistogramLoss(), new ThresholdConsistentMarginLoss())) {
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                        () -> loss.forward(e, labels, null, e.get("0:5"), labels.get("0:5")), loss.toString());
                assertTrue(x.getMessage().contains("without reference embeddings"), x.getMessage());
            }
            // the SNR contrastive loss compares with references as ContrastiveLoss does
            assertTrue(Double.isFinite(new SignalToNoiseRatioContrastiveLoss().forward(e, labels, null,
                    e.get("0:5"), labels.get("0:5")).getDouble()));
        }
    }

    @Test
    void settingsThatCannotWorkAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HistogramLoss.builder().optDistance(Distance.dotProduct()).build());
        assertTrue(e.getMessage().contains("[-1, 1]"), e.getMessage());
        HistogramLoss.builder().optDistance(Distance.dotProduct().normalized()).build();
        HistogramLoss.builder().optDistance(Distance.euclidean()).build();
        assertThrows(IllegalArgumentException.class, () -> RankedListLoss.builder().setTn(1).build(),
                "margin is required");
        assertThrows(IllegalArgumentException.class,
                () -> RankedListLoss.builder().setMargin(0.4).setTn(1).optImbalance(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> PNPLoss.builder().optAnneal(0).build());
        assertThrows(IllegalArgumentException.class, () -> SignalToNoiseRatioContrastiveLoss.builder()
                .optDistance(Distance.snr()).build(), "the SNR distance is fixed");
        assertThrows(IllegalArgumentException.class, () -> InstanceLoss.builder().optDistance(Distance.euclidean())
                .build(), "cosine is fixed");
    }

    @Test
    void registryRoundTripsAndReadsPmlSpellings() {
        ComponentRegistry registry = ComponentRegistry.discover();
        String[] configs = {
            "{\"type\": \"snr_contrastive\", \"pos_margin\": 0.1, \"neg_margin\": 0.6, \"reducer\": \"mean\"}",
            "{\"type\": \"ranked_list\", \"margin\": 0.4, \"tn\": 3, \"tp\": 2, \"imbalance\": 0.3, \"alpha\": 1.1}",
            "{\"type\": \"histogram\", \"n_bins\": 25, \"distance\": {\"name\": \"cosine\", \"scale\": 0.5}}",
            "{\"type\": \"instance\", \"gamma\": 16}",
            "{\"type\": \"pnp\", \"variant\": \"Dq\", \"alpha\": 2, \"anneal\": 0.05}",
            "{\"type\": \"threshold_consistent_margin\", \"lambda_plus\": 0.5, \"margin_minus\": 0.1}",
            "{\"type\": \"contrastive\", \"distance\": \"snr\"}",
        };
        for (String text : configs) {
            JsonObject config = JsonParser.parseString(text).getAsJsonObject();
            String type = config.remove("type").getAsString();
            GroupLoss loss = (GroupLoss) registry.loss(type, config);
            JsonObject described = registry.describe(loss);
            assertEquals(type, described.get("type").getAsString());
            assertEquals(loss.config(), registry.loss(described).config(), text);
            JsonObject settings = described.getAsJsonObject("config");
            for (String key : config.keySet()) {
                if (key.equals("distance") || key.equals("reducer")) {
                    continue;
                }
                if (config.get(key).getAsJsonPrimitive().isNumber()) {
                    assertEquals(config.get(key).getAsDouble(), settings.get(key).getAsDouble(), text + " " + key);
                } else {
                    assertEquals(config.get(key).getAsString().toLowerCase(java.util.Locale.ROOT),
                            settings.get(key).getAsString(), text + " " + key);
                }
            }
        }
        assertEquals(PNPLoss.Variant.DQ, ((PNPLoss) registry.loss("pnp", JsonParser.parseString(
                "{\"variant\": \"Dq\"}").getAsJsonObject())).settings().get(PNPLoss.VARIANT));
        assertEquals(Distance.snr(), ((ContrastiveLoss) registry.loss("contrastive", JsonParser.parseString(
                "{\"distance\": \"snr\"}").getAsJsonObject())).distance());
        assertEquals(Distance.snr().normalized(), new SignalToNoiseRatioContrastiveLoss().distance());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.loss("ranked_list",
                JsonParser.parseString("{\"margin\": 0.4}").getAsJsonObject()));
        assertTrue(e.getMessage().contains("tn"), e.getMessage());
    }
}
