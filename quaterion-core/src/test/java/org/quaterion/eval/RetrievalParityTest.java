package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.models.Fixtures;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/** retrieval.json: PML AccuracyCalculator cases and Quaterion's three metrics, from our exact search. */
class RetrievalParityTest {

    @Test
    void metricsMatchPmlAndQuaterion() {
        JsonObject datasets = Fixtures.read("inputs.json").getAsJsonObject("datasets");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonElement element : Fixtures.read("retrieval.json").getAsJsonArray("cases")) {
                JsonObject c = element.getAsJsonObject();
                String id = c.get("id").getAsString();
                JsonObject data = datasets.getAsJsonObject(c.get("dataset").getAsString());
                double[][] emb = Fixtures.matrix(data.get("embeddings"));
                if (c.get("peer").getAsString().equals("pml")) {
                    checked += pml(c, emb, Fixtures.longVector(data.get("labels")), m, failures);
                } else {
                    checked += quaterion(c, emb, data, m, failures);
                }
            }
        }
        System.out.println(checked + " retrieval cases checked");
        failures.forEach(f -> System.out.println("  MISMATCH " + f));
        assertTrue(checked > 0, "no retrieval cases in " + Fixtures.source());
        assertTrue(failures.isEmpty(), failures.toString());
    }

    private static int pml(JsonObject c, double[][] emb, long[] labels, NDManager m, List<String> failures) {
        int qs = c.getAsJsonArray("query_rows").get(0).getAsInt();
        int qe = c.getAsJsonArray("query_rows").get(1).getAsInt();
        int rs = c.getAsJsonArray("reference_rows").get(0).getAsInt();
        int re = c.getAsJsonArray("reference_rows").get(1).getAsInt();
        boolean loo = c.get("ref_includes_query").getAsBoolean();
        Distance d = c.get("knn").getAsString().equals("cosine") ? Distance.cosine() : Distance.euclidean();
        NDArray all = m.create(emb);
        long[] self = null;
        if (loo) {
            self = new long[qe - qs];
            for (int i = 0; i < self.length; i++) {
                self[i] = qs + i - rs;
            }
        }
        KnnResult knn = new ExactKnn(d, 64, 128).search(all.get(qs + ":" + qe), all.get(rs + ":" + re), re - rs,
                self);
        RetrievalMetrics metrics = RetrievalMetrics.of(knn, java.util.Arrays.copyOfRange(labels, qs, qe),
                java.util.Arrays.copyOfRange(labels, rs, re), self);
        JsonObject values = c.getAsJsonObject("values");
        String id = c.get("id").getAsString();
        compare(id + " precision_at_1", values.get("precision_at_1").getAsDouble(), metrics.precisionAt1(), 1e-9,
                failures);
        compare(id + " r_precision", values.get("r_precision").getAsDouble(), metrics.rPrecision(), 1e-9, failures);
        compare(id + " map@r", values.get("mean_average_precision_at_r").getAsDouble(),
                metrics.meanAveragePrecisionAtR(), 1e-9, failures);
        compare(id + " mrr", values.get("mean_reciprocal_rank").getAsDouble(), metrics.meanReciprocalRank(), 1e-9,
                failures);
        return 1;
    }

    private static int quaterion(JsonObject c, double[][] emb, JsonObject data, NDManager m,
            List<String> failures) {
        String impl = c.get("metric_impl").getAsString();
        JsonObject p = c.getAsJsonObject("params");
        Distance d = p.get("distance_metric_name").getAsString().equals("cosine") ? Distance.cosine()
                : Distance.euclidean();
        int n = emb.length;
        long[] self = new long[n];
        for (int i = 0; i < n; i++) {
            self[i] = i;
        }
        NDArray all = m.create(emb);
        KnnResult knn = new ExactKnn(d, 100, 100).search(all, all, n - 1, self);
        double expected = c.get("value").getAsDouble();
        String id = c.get("id").getAsString();
        double actual;
        if (impl.equals("RetrievalRPrecision")) {
            actual = RetrievalMetrics.of(knn, Fixtures.longVector(data.get("labels")), Fixtures.longVector(data.get("labels")), self)
                    .quaterionRPrecision();
        } else {
            PairRetrievalMetrics pairs = PairRetrievalMetrics.of(n, Fixtures.longMatrix(data.get("pairs")),
                    Fixtures.vector(data.get("pair_labels")), knn);
            actual = impl.equals("RetrievalPrecision") ? pairs.precisionAt(p.get("k").getAsInt())
                    : pairs.reciprocalRank();
        }
        compare(id, expected, actual, 1e-6, failures);
        return 1;
    }

    private static void compare(String what, double expected, double actual, double tol, List<String> failures) {
        if (!(Math.abs(expected - actual) <= tol * Math.max(1, Math.abs(expected)))) {
            failures.add(what + ": expected " + expected + " got " + actual);
        }
    }
}
