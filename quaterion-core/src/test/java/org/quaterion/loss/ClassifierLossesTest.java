package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.registry.ComponentRegistry;
import org.quaterion.settings.ComponentSpec;

/**
 * The PML classifier and proxy losses and the regularizers beyond their reference values: registry and YAML forms,
 * the weight shapes of the multi-centre losses, what is refused, SubCenterArcFace's outliers of absent classes and
 * P2SGrad's renormalised weights.
 */
class ClassifierLossesTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    private static JsonObject sizes(int classes, int dim) {
        JsonObject json = new JsonObject();
        json.addProperty("num_classes", classes);
        json.addProperty("embedding_size", dim);
        return json;
    }

    @Test
    void lossesAndRegularizersRoundTripThroughTheRegistry() {
        double[][] emb = Brute.rows(31, 9, 4);
        long[] labels = Brute.cyclicLabels(9, 3);
        for (String type : List.of("large_margin_softmax", "sphereface", "normalized_softmax", "proxy_nca",
                "soft_triple", "subcenter_arcface", "p2s_grad")) {
            ClassWeightLoss loss = (ClassWeightLoss) REGISTRY.loss(type, sizes(3, 4));
            JsonObject description = REGISTRY.describe(loss);
            assertEquals(type, description.get("type").getAsString());
            ClassWeightLoss rebuilt = (ClassWeightLoss) REGISTRY.loss(description);
            assertEquals(loss.config(), rebuilt.config(), type);
            double[][] w = Brute.rows(32, loss.weightRows(), 4);
            try (NDManager m = NDManager.newBaseManager()) {
                loss.setWeights(m, w, DataType.FLOAT64);
                rebuilt.setWeights(m, w, DataType.FLOAT64);
                double a = loss.forward(m.create(emb), m.create(labels)).getDouble();
                double b = rebuilt.forward(m.create(emb), m.create(labels)).getDouble();
                assertTrue(Double.isFinite(a) && a == b, type + ": " + a + " vs " + b);
            }
        }
        for (ComponentSpec<? extends Regularizer> spec : Regularizers.SPECS) {
            JsonObject config = new JsonObject();
            if (spec.name().equals("sparse_centers")) {
                config.addProperty("num_classes", 3);
                config.addProperty("centers_per_class", 2);
            }
            Regularizer r = REGISTRY.create(Regularizer.class, spec.name(), config);
            JsonObject description = REGISTRY.describe(r);
            assertEquals(description, REGISTRY.describe(REGISTRY.create(Regularizer.class, description)));
            assertEquals(Regularizers.write(r), Regularizers.write(Regularizers.read(Regularizers.write(r))));
        }
        assertEquals(REGISTRY.names(Regularizer.class), List.of("center_invariant", "lp", "regular_face",
                "sparse_centers", "zero_mean"));
    }

    @Test
    void theRegularizedLossDescribesAnyRegularizerByType() {
        ProxyNCALoss inner = ProxyNCALoss.builder().setNumClasses(3).setEmbeddingSize(4).build();
        GroupLoss wrapped = RegularizedLoss.of(inner, new RegularizedLoss.Terms(new ZeroMeanRegularizer(), 0.1,
                new RegularFaceRegularizer(), 0.5));
        JsonObject config = wrapped.config();
        assertEquals("{\"type\":\"zero_mean\",\"weight\":0.1}", config.get("embedding_regularizer").toString());
        assertEquals("{\"type\":\"regular_face\",\"weight\":0.5}", config.get("weight_regularizer").toString());
        JsonObject lp = new JsonObject();
        lp.addProperty("power", 2);
        assertEquals(new LpRegularizer(2, 2), Regularizers.read(lp), "no type: an LpRegularizer");
        JsonObject typo = new JsonObject();
        typo.addProperty("type", "center_invariant");
        typo.addProperty("p", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizers.read(typo));
        assertTrue(e.getMessage().contains("center_invariant has no setting 'p'"), e.getMessage());
    }

    @Test
    void whatCannotWorkIsRefusedByName() {
        SoftTripleLoss softTriple = SoftTripleLoss.builder().setNumClasses(3).setEmbeddingSize(4).build();
        assertEquals(30, softTriple.weightRows());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegularizedLoss.of(softTriple, RegularizedLoss.Terms.weights(new SparseCentersRegularizer(3, 3),
                        1)));
        assertTrue(e.getMessage().contains("expects 3 classes x 3 centres = 9 rows") && e.getMessage().contains(
                "SoftTripleLoss has 30"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SparseCentersRegularizer(3, 1));
        assertTrue(e.getMessage().contains("centers_per_class >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RegularizedLoss.of(P2SGradLoss.builder()
                .setNumClasses(1).setEmbeddingSize(4).build(), RegularizedLoss.Terms.weights(
                        new RegularFaceRegularizer(), 1)));
        assertTrue(e.getMessage().contains("at least 2 classes"), e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            e = assertThrows(IllegalArgumentException.class, () -> softTriple.setWeights(m, Brute.rows(1, 3, 4),
                    DataType.FLOAT64));
            assertTrue(e.getMessage().contains("30 x 4 (3 classes x 10 rows each)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new RegularFaceRegularizer().compute(
                    m.create(new double[][] {{1, 2}})));
            assertTrue(e.getMessage().contains("at least 2 rows"), e.getMessage());
            NDArray emb = m.create(Brute.rows(2, 6, 4));
            NDArray labels = m.create(Brute.cyclicLabels(6, 2));
            P2SGradLoss p2s = P2SGradLoss.builder().setNumClasses(2).setEmbeddingSize(4).build();
            e = assertThrows(IllegalArgumentException.class, () -> p2s.forward(emb, labels,
                    new BatchHardMiner().mine(emb, labels)));
            assertTrue(e.getMessage().contains("P2SGradLoss cannot use mined tuples"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("p2s_grad", withReducer(sizes(2, 4))));
            e = assertThrows(IllegalArgumentException.class, () -> SubCenterArcFaceLoss.builder().setNumClasses(2)
                    .setEmbeddingSize(4).build().outliers(emb, labels, 200));
            assertTrue(e.getMessage().contains("[0, 180]"), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.loss("large_margin_softmax",
                withMargin(sizes(2, 4), 2.5)));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    }

    private static JsonObject withReducer(JsonObject json) {
        json.addProperty("reducer", "sum");
        return json;
    }

    private static JsonObject withMargin(JsonObject json, double margin) {
        json.addProperty("margin", margin);
        return json;
    }

    @Test
    void outliersOfAbsentClassesAndTheDefaultThreshold() {
        double[][] w = {{1, 0}, {0.8, 0.6}, {0, 1}, {-1, 0}};
        double[][] emb = {{1, 0.05}, {1, -0.05}, {0.05, 1}, {-0.2, 1}};
        try (NDManager m = NDManager.newBaseManager()) {
            SubCenterArcFaceLoss loss = SubCenterArcFaceLoss.builder().setNumClasses(2).setEmbeddingSize(2)
                    .optSubCenters(2).build();
            loss.setWeights(m, w, DataType.FLOAT64);
            NDArray labels = m.create(new long[] {0, 0, 0, 0});
            SubCenterArcFaceLoss.Outliers o = loss.outliers(m.create(emb), labels);
            // class 0's sub-centres (1, 0) and (0.8, 0.6) are each nearest to two samples: the tie goes to the
            // first, which dominates; the samples near (0, 1) are 87° and 101° from it, beyond 75°
            assertArrayEquals(new long[] {2, 3}, o.indices());
            assertArrayEquals(new boolean[] {true, false}, o.classesPresent());
            assertArrayEquals(new double[] {1, 0, 0, 1}, o.dominantCenters().toDoubleArray(), 0,
                    "class 1 has no samples: its first sub-centre");
            assertArrayEquals(o.indices(), loss.outliers(m.create(emb), labels, 75).indices());
            assertArrayEquals(new long[] {3}, loss.outliers(m.create(emb), labels, 90).indices());
        }
    }

    @Test
    void p2sGradUsesRenormalisedWeightsAndLeavesTheStoredOnes() {
        double[][] w = {{3, 4}, {0, -2}};
        double[][] emb = {{1, 1}, {2, -1}};
        long[] labels = {0, 1};
        try (NDManager m = NDManager.newBaseManager()) {
            P2SGradLoss loss = P2SGradLoss.builder().setNumClasses(2).setEmbeddingSize(2).build();
            loss.setWeights(m, w, DataType.FLOAT64);
            double value = loss.forward(m.create(emb), m.create(labels)).getDouble();
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double norm = Math.hypot(emb[i][0], emb[i][1]);
                for (int c = 0; c < 2; c++) {
                    double wn = Math.hypot(w[c][0], w[c][1]) + 1e-7;
                    double cos = (emb[i][0] * w[c][0] + emb[i][1] * w[c][1]) / norm / wn;
                    expected += Math.pow(cos - (labels[i] == c ? 1 : 0), 2) / 4;
                }
            }
            assertEquals(expected, value, 1e-12);
            assertArrayEquals(new double[] {3, 4, 0, -2}, loss.weights().getArray().toDoubleArray(), 0);
            P2SGradLoss fresh = P2SGradLoss.builder().setNumClasses(5).setEmbeddingSize(3).build();
            fresh.initialize(m, DataType.FLOAT64);
            double[] init = fresh.weights().getArray().toDoubleArray();
            for (int c = 0; c < 5; c++) {
                double n = Math.sqrt(init[3 * c] * init[3 * c] + init[3 * c + 1] * init[3 * c + 1]
                        + init[3 * c + 2] * init[3 * c + 2]);
                assertEquals(1, n, 1e-6, "initial rows lie on the unit sphere");
            }
        }
    }
}
