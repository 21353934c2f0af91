package org.quaterion.distance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.quaterion.models.Fixtures;

/** Distances against Quaterion's and PML's outputs (heads_distances.json), and the documented scale mapping. */
class DistanceTest {

    /**
     * torch's {@code pairwise_distance} (Quaterion's and PML's row-wise L_p) adds eps = 1e-6 to {@code x − y};
     * ours is exact, so row-wise L_p values agree to ~1e-6 relative.
     */
    private static final double PAIRWISE_EPS = 2e-6;

    @Test
    void matchesQuaterionAndPml() {
        JsonObject d = Fixtures.read("heads_distances.json").getAsJsonObject("distances");
        double[][] x = Fixtures.matrix(d.get("x"));
        double[][] y = Fixtures.matrix(d.get("y"));
        int checked = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(x);
            NDArray ya = m.create(y);
            NDArray x3 = xa.get("0:3");
            JsonObject q = d.getAsJsonObject("quaterion");
            Map<String, Distance> matrixForm = Map.of("cosine", Distance.cosine().scaled(0.5), "euclidean",
                    Distance.euclidean(), "manhattan", Distance.manhattan(), "dot_product", Distance.dotProduct());
            Map<String, Distance> rowForm = Map.of("cosine", Distance.cosine(), "euclidean", Distance.euclidean(),
                    "manhattan", Distance.manhattan(), "dot_product", Distance.dotProduct());
            for (String name : q.keySet()) {
                JsonObject c = q.getAsJsonObject(name);
                Distance mat = matrixForm.get(name);
                Distance row = rowForm.get(name);
                double rowTol = name.equals("euclidean") || name.equals("manhattan") ? PAIRWISE_EPS : 1e-12;
                check(name + " distance_matrix", c, "distance_matrix", mat.matrix(xa, ya), 1e-12);
                check(name + " similarity_matrix", c, "similarity_matrix", mat.similarityMatrix(xa, ya), 1e-12);
                check(name + " distance_matrix_self", c, "distance_matrix_self", mat.matrix(xa), 1e-7);
                check(name + " distance_rowwise", c, "distance_rowwise", row.rowwise(x3, ya), rowTol);
                check(name + " similarity_rowwise", c, "similarity_rowwise", row.similarityRowwise(x3, ya), rowTol);
                checked += 5;
            }
            JsonObject p = d.getAsJsonObject("pml");
            Map<String, Distance> pml = Map.of(
                    "LpDistance(normalize=True,p=2)", Distance.euclidean().normalized(),
                    "LpDistance(normalize=False,p=2)", Distance.euclidean(),
                    "LpDistance(normalize=False,p=2,power=2)", Distance.squaredEuclidean(),
                    "LpDistance(normalize=False,p=1)", Distance.manhattan(),
                    "CosineSimilarity", Distance.cosine(),
                    "DotProductSimilarity", Distance.dotProduct().normalized());
            for (String name : p.keySet()) {
                JsonObject c = p.getAsJsonObject(name);
                Distance dist = pml.get(name);
                boolean inverted = c.get("is_inverted").getAsBoolean();
                BiFunction<NDArray, NDArray, NDArray> matrix = inverted ? dist::similarityMatrix : dist::matrix;
                // PML's pairwise_distance applies neither normalisation nor power (only its matrix call does)
                Distance raw = name.endsWith("Similarity") ? Distance.dotProduct()
                        : name.contains("p=2") ? Distance.euclidean() : dist;
                BiFunction<NDArray, NDArray, NDArray> rows = inverted ? raw::similarityRowwise : raw::rowwise;
                check(name + " matrix", c, "matrix", matrix.apply(xa, ya), 1e-12);
                check(name + " pairwise", c, "pairwise", rows.apply(x3, ya), inverted ? 1e-12 : PAIRWISE_EPS);
                checked += 2;
            }
        }
        System.out.println(checked + " distance cases checked");
        assertTrue(checked > 0);
    }

    private static void check(String what, JsonObject c, String key, NDArray actual, double rel) {
        double[] expected = Fixtures.flat(c.get(key));
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, what + " size");
        for (int i = 0; i < got.length; i++) {
            if (Math.abs(expected[i] - got[i]) > rel * Math.max(1, Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: expected " + expected[i] + " got " + got[i]);
            }
        }
    }

    @Test
    void everyDistanceRebuildsFromItsConfig() {
        int checked = 0;
        for (Distance.Kind kind : Distance.Kind.values()) {
            Distance base = Distance.byName(kind.name().toLowerCase(java.util.Locale.ROOT));
            for (Distance d : new Distance[] {base, base.normalized(), base.scaled(0.5), base.normalized().scaled(3)}) {
                assertEquals(d, Distance.fromConfig(d.config()), "round trip of " + d);
                checked++;
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Distance.fromConfig(new JsonObject()));
        JsonObject badScale = Distance.cosine().config();
        badScale.addProperty("scale", -1);
        assertThrows(IllegalArgumentException.class, () -> Distance.fromConfig(badScale));
        System.out.println("DistanceTest: " + checked + " distance configs round-tripped");
    }

    @Test
    void euclideanHasAFiniteGradientAtZeroDistance() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[][] {{1, 2, 3}, {1, 2, 3}, {0, 0, 1}});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray d = Distance.euclidean().matrix(x);
                assertEquals(0.0, d.getDouble(0, 1), 0.0, "identical rows are at distance exactly 0");
                assertEquals(0.0, d.getDouble(0, 0), 0.0);
                gc.backward(d.sum().add(Distance.euclidean().rowwise(x.get("0:1"), x.get("1:2")).sum()));
            }
            for (double g : x.getGradient().toDoubleArray()) {
                assertTrue(Double.isFinite(g), "gradient must be finite");
            }
        }
    }

    @Test
    void oneScaleForBothForms() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new double[][] {{1, 0}, {0, 2}, {-1, -1}});
            NDArray b = m.create(new double[][] {{0, 1}, {3, 0}, {1, 1}});
            for (Distance d : new Distance[] {Distance.cosine(), Distance.euclidean(), Distance.squaredEuclidean(),
                    Distance.manhattan(), Distance.dotProduct(), Distance.cosine().scaled(0.5),
                    Distance.euclidean().normalized()}) {
                double[] diag = d.matrix(a, b).toDoubleArray();
                double[] rows = d.rowwise(a, b).toDoubleArray();
                for (int i = 0; i < 3; i++) {
                    assertEquals(diag[i * 3 + i], rows[i], 1e-12, d + " row " + i);
                }
            }
            assertEquals(1.0, Distance.cosine().matrix(a, b).getDouble(0, 0), 1e-12, "orthogonal: 1 − 0");
            assertEquals(2.0, Distance.cosine().matrix(a, b).getDouble(2, 2), 1e-12, "opposite: 1 − (−1)");
        }
    }

    @Test
    void badInputIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Distance.cosine().matrix(m.ones(new ai.djl.ndarray.types.Shape(2, 3)),
                            m.ones(new ai.djl.ndarray.types.Shape(2, 4))));
            assertTrue(e.getMessage().contains("embedding sizes differ"));
            e = assertThrows(IllegalArgumentException.class, () -> Distance.byName("hamming"));
            assertTrue(e.getMessage().contains("unknown distance 'hamming'"));
            assertThrows(IllegalArgumentException.class, () -> Distance.cosine().scaled(0));
        }
    }
}
