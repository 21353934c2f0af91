package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.Fixtures;
import org.quaterion.registry.ComponentRegistry;

/**
 * PML 3's defaults switch, memory controls (triplets per anchor, precomputed distance matrices) and hand-worked values
 * of the PML 3 losses (closed forms evaluated here in plain Java).
 */
class PmlV3Test {

    private static final double[][] AXES = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double value(NDManager m, double[][] emb, Function<NDArray, NDArray> loss) {
        return loss.apply(m.create(emb)).getDouble();
    }

    @Test
    void pmlVersionsNameTheirDefaults() {
        assertEquals(0.05, Pml.V2.tripletMargin());
        assertEquals(0.2, Pml.V3.tripletMargin());
        assertEquals(0.05, new TripletMarginLoss().config().get("margin").getAsDouble(), "library default is V2's");
        assertEquals(0.2, new TripletMarginLoss(Pml.V3).config().get("margin").getAsDouble());
        assertEquals(0.2, TripletMarginLoss.builder(Pml.V3).build().config().get("margin").getAsDouble());
        assertEquals(Distance.dotProduct(), Pml.V3.dotProductSimilarity());
        assertEquals(Distance.dotProduct().normalized(), Pml.V2.dotProductSimilarity());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[][] {{2, 0}});
            NDArray y = m.create(new double[][] {{3, 0}});
            assertEquals(6, Pml.V3.dotProductSimilarity().similarityMatrix(x, y).getDouble(0, 0), 1e-15);
            assertEquals(1, Pml.V2.dotProductSimilarity().similarityMatrix(x, y).getDouble(0, 0), 1e-15);
        }
    }

    @Test
    void smoothApHandWorked() {
        // rows: (1,0) (0,1) (−1,0), labels 0 0 1, τ = 1; row 2 has no other positive and gives no term
        double ap0 = 0.5 * ((1 + sigmoid(-1)) / (1 + sigmoid(-1) + sigmoid(-2)) + (1 + sigmoid(1)) / 2);
        double ap1 = 0.5 * ((1 + sigmoid(1)) / (1.5 + sigmoid(1)) + (1 + sigmoid(-1)) / (1 + 2 * sigmoid(-1)));
        double expected = ((1 - ap0) + (1 - ap1)) / 2;
        SmoothAPLoss loss = SmoothAPLoss.builder().optTemperature(1).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 0, 1});
            assertEquals(expected, value(m, new double[][] {AXES[0], AXES[1], AXES[2]}, e -> loss.forward(e, labels)),
                    1e-14);
            NDArray e = m.create(new double[][] {AXES[0], AXES[1], AXES[2]});
            assertThrows(IllegalArgumentException.class, () -> loss.forward(e, labels, null, e.duplicate(), labels));
            IllegalArgumentException mined = assertThrows(IllegalArgumentException.class, () -> loss.forward(e, labels,
                    new IndexTuples.Triplets(m.create(new long[] {0}), m.create(new long[] {1}),
                            m.create(new long[] {2}))));
            assertTrue(mined.getMessage().contains("whole batch"), mined.getMessage());
        }
    }

    @Test
    void multiSupConHandWorkedWithAnInclusiveThreshold() {
        // label sets {A,B} {A} {B}: J01 = J02 = 1/2 (positives at c = 0.5, inclusive), J12 = 0; τ = 1
        double lse0 = Math.log(1 + Math.exp(-1));
        double l0 = -0.5 * (0.5 * (0 - lse0) + 0.5 * (-1 - lse0));
        double l1 = 0.5 * Math.log(2);
        double lse2 = Math.log(Math.exp(-1) + 1);
        double l2 = -0.5 * (-1 - lse2);
        MultiSupConLoss loss = MultiSupConLoss.builder().optTemperature(1).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sets = m.create(new long[][] {{1, 1}, {1, 0}, {0, 1}});
            assertEquals((l0 + l1 + l2) / 3, value(m, new double[][] {AXES[0], AXES[1], AXES[2]},
                    e -> loss.forwardLabelSets(e, sets)), 1e-14);
            // two empty label sets are identical (Jaccard 1): rows 0 and 1 are positives of each other
            NDArray empty = m.create(new long[][] {{0, 0}, {0, 0}, {1, 0}});
            double emptyValue = value(m, new double[][] {AXES[0], AXES[1], AXES[2]},
                    e -> loss.forwardLabelSets(e, empty));
            double lseA = Math.log(1 + Math.exp(-1));
            assertEquals((-(0 - lseA) + Math.log(2)) / 2, emptyValue, 1e-14);
            NDArray e = m.create(new double[][] {AXES[0], AXES[1], AXES[2]});
            assertThrows(IllegalArgumentException.class, () -> loss.forwardLabelSets(e, m.create(new long[][] {{2, 0},
                {1, 0}, {0, 1}})));
            assertThrows(IllegalArgumentException.class, () -> loss.forwardLabelSets(e, m.create(new long[][] {{1,
                0}})));
            assertThrows(IllegalArgumentException.class, () -> loss.forwardLabelSets(e, m.create(new double[][] {{1,
                0}, {1, 0}, {0, 1}})));
        }
    }

    @Test
    void decoupledContrastiveHandWorked() {
        // four axes, labels 0 0 1 1, τ = 1: every anchor has s_ap = 0 and negatives {0, −1}: log(1 + e^−1)
        double expected = Math.log(1 + Math.exp(-1));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 0, 1, 1});
            DecoupledContrastiveLoss dcl = DecoupledContrastiveLoss.builder().optTemperature(1).build();
            DecoupledContrastiveLoss dclw = DecoupledContrastiveLoss.builder().optTemperature(1).optSigma(0.5).build();
            assertEquals(expected, value(m, AXES, e -> dcl.forward(e, labels)), 1e-14);
            assertEquals(expected, value(m, AXES, e -> dclw.forward(e, labels)), 1e-14, "equal positives: w = 1");
            assertThrows(IllegalArgumentException.class,
                    () -> DecoupledContrastiveLoss.builder().optSigma(0.0).build());
        }
    }

    @Test
    void selectivelyContrastiveTripletHandWorked() {
        SelectivelyContrastiveTripletLoss loss = SelectivelyContrastiveTripletLoss.builder().optLambda(0.5).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 0, 1});
            // negatives harder than the positive (S_an > S_ap): λ·S_an for both anchors
            double hard = value(m, new double[][] {{1, 0}, {0.6, 0.8}, {0.8, 0.6}}, e -> loss.forward(e, labels));
            assertEquals(0.5 * (0.8 + 0.96) / 2, hard, 1e-14);
            // easy negatives: −log softmax of the positive, τ = 0.1
            double easy = value(m, new double[][] {{1, 0}, {0.6, 0.8}, {-1, 0}}, e -> loss.forward(e, labels));
            double expected = (Math.log1p(Math.exp((-1 - 0.6) / 0.1)) + Math.log1p(Math.exp((-0.6 - 0.6) / 0.1))) / 2;
            assertEquals(expected, easy, 1e-14);
        }
    }

    @Test
    void dynamicArcFaceMarginsFollowTheClassSizes() {
        // n^(−1/4) of 10000, 100, 1 is 0.1, 0.316…, 1: a = 0.45 / 0.9 = 0.5, b = 0.5 − 0.5 = 0
        DynamicArcFaceLoss loss = DynamicArcFaceLoss.builder().setClassCounts(10000, 100, 1).setEmbeddingSize(2)
                .build();
        double[] m = loss.classMargins();
        assertEquals(0.05, m[0], 1e-15);
        assertEquals(0.5 * Math.pow(100, -0.25), m[1], 1e-15);
        assertEquals(0.5, m[2], 1e-15);
        double[] equal = DynamicArcFaceLoss.builder().setClassCounts(7, 7).setEmbeddingSize(2).build().classMargins();
        assertEquals(0.5, equal[0]);
        assertEquals(0.5, equal[1], "equal sizes: every class gets max_margin");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DynamicArcFaceLoss.builder()
                .setClassCounts(5, 6).setNumClasses(3).setEmbeddingSize(2).build());
        assertTrue(e.getMessage().contains("one size per class"), e.getMessage());
        JsonObject json = new JsonObject();
        com.google.gson.JsonArray counts = new com.google.gson.JsonArray();
        counts.add(10000);
        counts.add(100);
        counts.add(1);
        json.add("class_counts", counts);
        json.addProperty("num_classes", 3);
        json.addProperty("embedding_size", 2);
        assertEquals(loss.config(), ComponentRegistry.discover().loss("dynamic_arcface", json).config());
        counts.add(0.5);
        json.addProperty("num_classes", 4);
        assertThrows(IllegalArgumentException.class, () -> ComponentRegistry.discover().loss("dynamic_arcface", json));
    }

    @Test
    void tuplesPerAnchorBoundsAndSamplesWithoutReplacement() {
        JsonObject data = Fixtures.read("inputs.json").getAsJsonObject("datasets").getAsJsonObject("grp_n32_d16_c4");
        double[][] emb = Fixtures.matrix(data.get("embeddings"));
        long[] labelValues = Fixtures.longVector(data.get("labels"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(labelValues);
            double all = value(m, emb, e -> new TripletMarginLoss(Pml.V3).forward(e, labels));
            double bounded = value(m, emb, e -> TripletMarginLoss.builder(Pml.V3).optTuplesPerAnchor(1000).build()
                    .forward(e, labels));
            assertEquals(all, bounded, 1e-12, "k above every anchor's count keeps all triplets");

            TuplesPerAnchor sampler = new TuplesPerAnchor(5, 7);
            IndexTuples.Triplets t = sampler.sample(labels, labels, true);
            assertEquals(32 * 5, t.size(), "5 per anchor (each has 7·24 triplets)");
            long[] a = t.a().toLongArray();
            long[] p = t.p().toLongArray();
            long[] n = t.n().toLongArray();
            Set<List<Long>> seen = new HashSet<>();
            for (int i = 0; i < a.length; i++) {
                assertTrue(labelValues[(int) a[i]] == labelValues[(int) p[i]] && a[i] != p[i], "valid positive");
                assertTrue(labelValues[(int) a[i]] != labelValues[(int) n[i]], "valid negative");
                assertTrue(seen.add(List.of(a[i], p[i], n[i])), "drawn without replacement");
            }
            IndexTuples.Triplets kept = new TuplesPerAnchor(2, 7).subset(t);
            assertEquals(32 * 2, kept.size());
            // the loss on its sample equals the loss on those triplets given as mined tuples
            TripletMarginLoss k1 = TripletMarginLoss.builder(Pml.V3).optTuplesPerAnchor(1).build();
            IndexTuples.Triplets same = new TuplesPerAnchor(1, 0).sample(labels, labels, true);
            assertEquals(value(m, emb, e -> new TripletMarginLoss(Pml.V3).forward(e, labels, same)),
                    value(m, emb, e -> k1.forward(e, labels)), 1e-12);
        }
    }

    @Test
    void dynamicArcFaceHasThreeSubCentresByDefaultAndReducesToItsFixedMarginRelatives() {
        DynamicArcFaceLoss byDefault = DynamicArcFaceLoss.builder().setNumClasses(4).setEmbeddingSize(3).build();
        assertEquals(3, byDefault.subCenters());
        assertEquals(12, byDefault.weightRows());
        assertEquals(3, byDefault.config().get("sub_centers").getAsInt());
        JsonObject json = new JsonObject();
        json.addProperty("num_classes", 4);
        json.addProperty("embedding_size", 3);
        json.addProperty("sub_centers", 2);
        DynamicArcFaceLoss two = (DynamicArcFaceLoss) ComponentRegistry.discover().loss("dynamic_arcface", json);
        assertEquals(DynamicArcFaceLoss.builder().setNumClasses(4).setEmbeddingSize(3).optSubCenters(2).build()
                .config(), two.config());
        assertEquals(8, two.weightRows());
        json.addProperty("sub_centers", 0);
        assertThrows(IllegalArgumentException.class, () -> ComponentRegistry.discover().loss("dynamic_arcface", json));

        double[][] emb = {{1, 0.2, 0}, {0.1, 1, 0.3}, {-1, 0.4, 0.2}, {0.3, -0.2, 1}, {0.5, 0.5, -0.5}};
        long[] y = {0, 1, 2, 3, 1};
        java.util.Random random = new java.util.Random(5);
        double[][] w3 = new double[12][3];
        for (double[] row : w3) {
            for (int d = 0; d < 3; d++) {
                row[d] = random.nextGaussian();
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(y);
            // equal counts: every class gets max_margin, which is SubCenterArcFace (K = 3) and ArcFace (K = 1)
            DynamicArcFaceLoss dyn3 = DynamicArcFaceLoss.builder().setClassCounts(9, 9, 9, 9).setEmbeddingSize(3)
                    .optMarginBounds(0.1, 0.3).optScale(8).build();
            SubCenterArcFaceLoss sub = SubCenterArcFaceLoss.builder().setNumClasses(4).setEmbeddingSize(3)
                    .optMargin(0.3).optScale(8).build();
            dyn3.setWeights(m, w3, ai.djl.ndarray.types.DataType.FLOAT64);
            sub.setWeights(m, w3, ai.djl.ndarray.types.DataType.FLOAT64);
            assertEquals(value(m, emb, e -> sub.forward(e, labels)), value(m, emb, e -> dyn3.forward(e, labels)),
                    1e-14);
            SubCenterArcFaceLoss.Outliers a = dyn3.outliers(m.create(emb), labels, 30);
            SubCenterArcFaceLoss.Outliers b = sub.outliers(m.create(emb), labels, 30);
            assertTrue(java.util.Arrays.equals(a.indices(), b.indices()));
            assertTrue(b.dominantCenters().contentEquals(a.dominantCenters()));
            double[][] w1 = java.util.Arrays.copyOf(w3, 4);
            DynamicArcFaceLoss dyn1 = DynamicArcFaceLoss.builder().setNumClasses(4).setEmbeddingSize(3)
                    .optMarginBounds(0.1, 0.3).optScale(8).optSubCenters(1).build();
            ArcFaceLoss arc = ArcFaceLoss.builder().setNumClasses(4).setEmbeddingSize(3).optMargin(0.3).optScale(8)
                    .build();
            dyn1.setWeights(m, w1, ai.djl.ndarray.types.DataType.FLOAT64);
            arc.setWeights(m, w1, ai.djl.ndarray.types.DataType.FLOAT64);
            assertEquals(value(m, emb, e -> arc.forward(e, labels)), value(m, emb, e -> dyn1.forward(e, labels)),
                    1e-14);
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> dyn3.setWeights(m, w1, ai.djl.ndarray.types.DataType.FLOAT64));
            assertTrue(wrong.getMessage().contains("4 classes x 3 rows each"), wrong.getMessage());
        }
    }

    @Test
    void multiSupConServesTheAnchorReducersAndRefusesClassWeightsForLabelSets() {
        // label sets {} {} {A}, τ = 1: rows 0 and 1 are positives of each other (Jaccard 1), row 2 has none (0)
        double lseA = Math.log(1 + Math.exp(-1));
        double sum = -(0 - lseA) + Math.log(2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sets = m.create(new long[][] {{0, 0}, {0, 0}, {1, 0}});
            JsonObject perAnchor = new JsonObject();
            perAnchor.addProperty("temperature", 1);
            JsonObject reducer = new JsonObject();
            reducer.addProperty("type", "per_anchor");
            perAnchor.add("reducer", reducer);
            MultiSupConLoss loss = (MultiSupConLoss) ComponentRegistry.discover().loss("multi_supcon", perAnchor);
            assertEquals(sum / 3, value(m, new double[][] {AXES[0], AXES[1], AXES[2]},
                    e -> loss.forwardLabelSets(e, sets)), 1e-14, "per_anchor: every anchor counts");
            MultiSupConLoss weighted = MultiSupConLoss.builder().optTemperature(1)
                    .optReducer(org.quaterion.reducer.ClassWeightedReducer.of(1, 2)).build();
            NDArray e = m.create(new double[][] {AXES[0], AXES[1], AXES[2]});
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> weighted.forwardLabelSets(e, sets));
            assertTrue(refused.getMessage().contains("label sets") && refused.getMessage().contains("per_anchor"),
                    refused.getMessage());
            MultiSupConLoss nested = MultiSupConLoss.builder().optTemperature(1).optReducer(
                    org.quaterion.reducer.PerAnchorReducer.of(org.quaterion.reducer.ClassWeightedReducer.of(1, 2)))
                    .build();
            assertThrows(IllegalArgumentException.class, () -> nested.forwardLabelSets(e, sets));
            // group labels 0 0 1: anchors 0 and 1 weigh 1, anchor 2 (no positive) weighs 2 and gives 0
            NDArray labels = m.create(new long[] {0, 0, 1});
            double perRow = value(m, new double[][] {AXES[0], AXES[1], AXES[2]}, x -> weighted.forward(x, labels));
            double supcon = value(m, new double[][] {AXES[0], AXES[1], AXES[2]},
                    x -> new SupConLoss(1).forward(x, labels));
            assertEquals(supcon * 2 / 3, perRow, 1e-14, "class weights 1, 1, 2 over three anchors");
        }
    }

    /** Losses that accept a distance matrix give the same value and gradient from it as from the embeddings. */
    @Test
    void aPrecomputedDistanceMatrixReplacesTheEmbeddings() {
        JsonObject data = Fixtures.read("inputs.json").getAsJsonObject("datasets").getAsJsonObject("grp_n40_d16_c6_unbal");
        double[][] emb = Fixtures.matrix(data.get("embeddings"));
        List<GroupLoss> losses = List.of(new TripletMarginLoss(Pml.V3), new ContrastiveLoss(), new MultiSimilarityLoss(),
                new SupConLoss(0.1), new NTXentLoss(0.07), new CircleLoss(), new FastAPLoss(), new SmoothAPLoss(),
                new MultiSupConLoss(), new DecoupledContrastiveLoss(),
                DecoupledContrastiveLoss.builder().optSigma(0.5).build(), new SelectivelyContrastiveTripletLoss(),
                TripletMarginLoss.builder().optDistance(Distance.cosine()).build());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(Fixtures.longVector(data.get("labels")));
            for (GroupLoss loss : losses) {
                assertTrue(loss.acceptsDistanceMatrix(), loss.toString());
                LossHarness.Result direct = LossHarness.run(m, emb, e -> loss.forward(e, labels), null);
                LossHarness.Result viaMatrix = LossHarness.run(m, emb,
                        e -> loss.forwardMatrix(loss.distance().matrix(e), labels, null), null);
                assertEquals(direct.value(), viaMatrix.value(), 1e-12 * Math.max(1, Math.abs(direct.value())),
                        loss.toString());
                assertTrue(LossHarness.maxAbsDiff(direct.grad(), viaMatrix.grad()) <= 1e-11 * Math.max(1,
                        LossHarness.maxAbs(direct.grad())), loss.toString());
            }
            // against references: rows 0..19 as anchors, rows 20..39 as references
            double[][] anchors = java.util.Arrays.copyOfRange(emb, 0, 20);
            NDArray ref = m.create(java.util.Arrays.copyOfRange(emb, 20, 40));
            NDArray anchorLabels = labels.get("0:20");
            NDArray refLabels = labels.get("20:40");
            TripletMarginLoss triplet = new TripletMarginLoss(Pml.V3);
            double direct = value(m, anchors, e -> triplet.forward(e, anchorLabels, null, ref, refLabels));
            double viaMatrix = value(m, anchors, e -> triplet.forwardMatrix(triplet.distance().matrix(e, ref),
                    anchorLabels, refLabels, null));
            assertEquals(direct, viaMatrix, 1e-12);
        }
    }

    @Test
    void aDistanceMatrixIsRefusedWhereTheEmbeddingsAreNeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray d = m.create(new double[][] {{0, 1}, {1, 0}});
            NDArray labels = m.create(new long[] {0, 1});
            ArcFaceLoss arc = ArcFaceLoss.builder().setNumClasses(2).setEmbeddingSize(2).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> arc.forwardMatrix(d, labels, null));
            assertTrue(e.getMessage().contains("needs the embeddings"), e.getMessage());
            assertFalse(MatryoshkaLoss.of(new TripletMarginLoss(), new int[] {2, 1}, new double[] {1, 1}).acceptsDistanceMatrix());
            TripletMarginLoss triplet = new TripletMarginLoss();
            assertThrows(IllegalArgumentException.class, () -> triplet.forwardMatrix(m.create(new double[][] {{0, 1,
                2}, {1, 0, 2}}), labels, null), "not square without refLabels");
            assertThrows(IllegalArgumentException.class, () -> triplet.forwardMatrix(d, m.create(new long[] {0}),
                    null), "labels of the wrong length");
            assertThrows(IllegalArgumentException.class, () -> triplet.forward(LossInputs.ofMatrix(d, labels, null,
                    null, "test").mapEmbeddings(x -> x)));
        }
    }

    /** The matrix path matches PML 2.8.1's fixtures as the embedding path does. */
    @Test
    void distanceMatrixInputsMatchPmlFixtures() {
        ParitySuite suite = ParitySuite.read("losses_pml.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            if (c.has("miner") && !c.get("miner").isJsonNull()) {
                continue;
            }
            GroupLoss loss = switch (c.get("loss").getAsString()) {
                case "TripletMarginLoss" -> c.getAsJsonObject("params").has("distance") ? null
                        : new TripletMarginLoss(c.getAsJsonObject("params").get("margin").getAsDouble());
                case "MultiSimilarityLoss" -> new MultiSimilarityLoss();
                case "SupConLoss" -> new SupConLoss(c.getAsJsonObject("params").get("temperature").getAsDouble());
                case "NTXentLoss" -> new NTXentLoss(c.getAsJsonObject("params").get("temperature").getAsDouble());
                default -> null;
            };
            if (loss == null) {
                continue;
            }
            JsonObject data = suite.dataset(c);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray labels = m.create(Fixtures.longVector(data.get("labels")));
                suite.compareLoss(c, LossHarness.run(m, Fixtures.matrix(data.get("embeddings")),
                        e -> loss.forwardMatrix(loss.distance().matrix(e), labels, null), null), 1e-9);
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }

    @Test
    void theRegistryBuildsThePmlV3Losses() {
        ComponentRegistry registry = ComponentRegistry.discover();
        JsonObject overrides = new JsonObject();
        overrides.addProperty("temperature", 0.05);
        assertEquals(SmoothAPLoss.builder().optTemperature(0.05).build().config(),
                registry.loss("smooth_ap", overrides).config());
        JsonObject dclw = new JsonObject();
        dclw.addProperty("sigma", 0.5);
        assertEquals(DecoupledContrastiveLoss.builder().optSigma(0.5).build().config(),
                registry.loss("decoupled_contrastive", dclw).config());
        JsonObject sct = new JsonObject();
        sct.addProperty("lambda", 0.5);
        assertEquals(SelectivelyContrastiveTripletLoss.builder().optLambda(0.5).build().config(),
                registry.loss("selectively_contrastive_triplet", sct).config());
        JsonObject ms = new JsonObject();
        ms.addProperty("threshold", 0.3);
        assertEquals(MultiSupConLoss.builder().optThreshold(0.3).build().config(),
                registry.loss("multi_supcon", ms).config());
        JsonObject bounded = new JsonObject();
        bounded.addProperty("margin", 0.2);
        bounded.addProperty("tuples_per_anchor", 10);
        assertEquals(TripletMarginLoss.builder(Pml.V3).optTuplesPerAnchor(10).build().config(),
                registry.loss("triplet_margin", bounded).config());
    }
}
