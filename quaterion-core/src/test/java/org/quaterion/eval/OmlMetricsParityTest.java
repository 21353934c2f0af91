package org.quaterion.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.ParitySuite;
import org.quaterion.models.Fixtures;
import org.quaterion.sampler.DistinctCategoryBalanceSampler;
import org.quaterion.sampler.DistinctCategorySamplerChecks;
import org.quaterion.search.KnnResult;

/**
 * oml_metrics.json: OML's retrieval metrics overall and per category, NDCG@k, FNMR@FMR, PCF, and the rules and batch
 * structure of its DistinctCategoryBalanceSampler.
 */
class OmlMetricsParityTest {

    private static final double TOL = 1e-9;

    /** The largest relative difference seen, reported with the summary. */
    private static final java.util.concurrent.atomic.DoubleAccumulator WORST =
            new java.util.concurrent.atomic.DoubleAccumulator(Math::max, 0);

    @Test
    void matchesOml() {
        WORST.reset();
        ParitySuite suite = ParitySuite.read("oml_metrics.json");
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonObject c : suite.cases()) {
                String id = c.get("id").getAsString();
                List<String> failures = new ArrayList<>();
                switch (c.get("kind").getAsString()) {
                    case "retrieval" -> retrieval(c, suite.dataset(c), m, failures);
                    case "fnmr" -> fnmr(c, c.has("dataset") ? suite.dataset(c) : null, m, failures);
                    case "pcf" -> pcf(c, suite.dataset(c), m, failures);
                    case "sampler_rules" -> samplerRules(c, failures);
                    case "sampler_epoch" -> samplerEpoch(c, failures);
                    default -> failures.add("unknown kind " + c.get("kind"));
                }
                if (failures.isEmpty()) {
                    suite.checked();
                } else {
                    failures.forEach(f -> suite.fail(id + ": " + f));
                }
            }
        }
        System.out.println("oml_metrics.json: largest relative difference " + WORST.get());
        suite.assertAllMatched();
    }

    /** Per category (OVERALL first): our metrics from OML's ranking, and from our own search where tie-free. */
    private static void retrieval(JsonObject c, JsonObject ds, NDManager m, List<String> failures) {
        Rows rows = Rows.of(ds);
        JsonObject expected = c.getAsJsonObject("metrics");
        Set<String> withoutRelevant = new HashSet<>();
        c.getAsJsonArray("categories_without_relevant").forEach(e -> withoutRelevant.add(e.getAsString()));
        List<Integer> ks = new ArrayList<>();
        c.getAsJsonArray("top_k").forEach(e -> ks.add(e.getAsInt()));

        // 1. the metric arithmetic on the recorded ranking (the only path for rankings with ties)
        long[][] ranking = Fixtures.longMatrix(c.get("ranking"));
        long[] galleryLabels = rows.galleryLabels();
        long[] queryLabels = rows.queryLabels();
        long[] self = rows.selfInGallery();
        int width = 0;
        for (long[] r : ranking) {
            width = Math.max(width, r.length);
        }
        long[][] idx = new long[ranking.length][width];
        double[][] dist = new double[ranking.length][width];
        for (int q = 0; q < ranking.length; q++) {
            java.util.Arrays.fill(idx[q], -1);
            java.util.Arrays.fill(dist[q], Double.POSITIVE_INFINITY);
            for (int j = 0; j < ranking[q].length; j++) {
                idx[q][j] = ranking[q][j];
                dist[q][j] = j;
            }
        }
        RetrievalMetrics all = RetrievalMetrics.of(new KnnResult(idx, dist), queryLabels, galleryLabels, self);
        for (Map.Entry<String, JsonElement> category : expected.entrySet()) {
            String name = category.getKey();
            RetrievalMetrics sub = name.equals(OmlEmbeddingMetrics.OVERALL) ? all
                    : all.forQueries(rows.queriesIn(name));
            JsonObject want = category.getValue().getAsJsonObject();
            boolean nan = withoutRelevant.contains(name);
            for (int k : ks) {
                compare(failures, name + " cmc@" + k, want, "cmc@" + k, sub.cmcAt(k), nan);
                compare(failures, name + " precision@" + k, want, "precision@" + k, sub.precisionAt(k), nan);
                compare(failures, name + " map@" + k, want, "map@" + k, sub.mapAt(k), nan);
                compare(failures, name + " ndcg@" + k, want, "ndcg@" + k, sub.ndcgAt(k), nan);
            }
        }
        // 2. the whole OML pipeline from the embeddings: our search, split and per-category averages
        if (!c.get("tie_free").getAsBoolean()) {
            return;
        }
        OmlEmbeddingMetrics config = new OmlEmbeddingMetrics(ks, ks, ks, ks, List.of(), List.of(),
                Distance.euclidean());
        Map<String, Map<String, Double>> ours = config.compute(m.create(rows.embeddings), rows.labels, rows.isQuery,
                rows.isGallery, rows.categories);
        for (Map.Entry<String, JsonElement> category : expected.entrySet()) {
            Map<String, Double> got = ours.get(category.getKey());
            if (got == null) {
                failures.add("pipeline lacks category " + category.getKey());
                continue;
            }
            JsonObject want = category.getValue().getAsJsonObject();
            boolean nan = withoutRelevant.contains(category.getKey());
            for (int k : ks) {
                for (String metric : new String[] {"cmc", "precision", "map", "ndcg"}) {
                    compare(failures, "pipeline " + category.getKey() + " " + metric + "@" + k, want,
                            metric + "@" + k, got.get(metric + "/" + k), nan);
                }
            }
        }
    }

    private static void fnmr(JsonObject c, JsonObject ds, NDManager m, List<String> failures) {
        double[] fmr = Fixtures.vector(c.get("fmr"));
        double[] thresholds = Fixtures.vector(c.get("thresholds"));
        double[] fnmr = Fixtures.vector(c.get("fnmr"));
        VerificationMetrics v = VerificationMetrics.of(Fixtures.vector(c.get("pos_dist")),
                Fixtures.vector(c.get("neg_dist")));
        for (int i = 0; i < fmr.length; i++) {
            near(failures, "threshold@" + fmr[i], thresholds[i], v.thresholdAtFmr(fmr[i]));
            near(failures, "fnmr@" + fmr[i], fnmr[i], v.fnmrAtFmr(fmr[i]));
        }
        if (ds != null) {
            Rows rows = Rows.of(ds);
            VerificationMetrics ours = VerificationMetrics.queryGallery(Distance.euclidean(),
                    m.create(rows.embeddings), rows.labels, rows.isQuery, rows.isGallery);
            if (ours.positives() != v.positives() || ours.negatives() != v.negatives()) {
                failures.add("pipeline pairs " + ours.positives() + "/" + ours.negatives() + " expected "
                        + v.positives() + "/" + v.negatives());
            }
            for (int i = 0; i < fmr.length; i++) {
                near(failures, "pipeline fnmr@" + fmr[i], fnmr[i], ours.fnmrAtFmr(fmr[i]));
            }
        }
    }

    private static void pcf(JsonObject c, JsonObject ds, NDManager m, List<String> failures) {
        Rows rows = Rows.of(ds);
        double[] levels = Fixtures.vector(c.get("variance"));
        List<Double> variance = new ArrayList<>();
        for (double l : levels) {
            variance.add(l);
        }
        OmlEmbeddingMetrics config = new OmlEmbeddingMetrics(List.of(), List.of(), List.of(), List.of(), List.of(),
                variance, Distance.euclidean());
        Map<String, Map<String, Double>> ours = config.compute(m.create(rows.embeddings), rows.labels, rows.isQuery,
                rows.isGallery, rows.categories);
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("values").entrySet()) {
            Map<String, Double> got = ours.get(e.getKey());
            for (int i = 0; i < levels.length; i++) {
                double value = got.get("pcf/" + levels[i]);
                if (e.getValue().isJsonNull()) {
                    if (!Double.isNaN(value)) {
                        failures.add(e.getKey() + " pcf/" + levels[i] + " = " + value + ", expected NaN (no variance)");
                    }
                } else {
                    near(failures, e.getKey() + " pcf/" + levels[i],
                            e.getValue().getAsJsonArray().get(i).getAsDouble(), value);
                }
            }
        }
    }

    private static void samplerRules(JsonObject c, List<String> failures) {
        boolean accepts;
        String error = null;
        try {
            sampler(c, 3, 0);
            accepts = true;
        } catch (IllegalArgumentException e) {
            accepts = false;
            error = e.getMessage();
        }
        if (accepts != c.get("oml_accepts").getAsBoolean()) {
            failures.add((accepts ? "accepted" : "rejected (" + error + ")") + " where OML "
                    + (accepts ? "raises " + c.get("oml_error") : "accepts"));
        }
    }

    private static void samplerEpoch(JsonObject c, List<String> failures) {
        long[] labels = Fixtures.longVector(c.get("labels"));
        long[] categories = Fixtures.longVector(c.get("categories"));
        int cats = c.get("n_categories").getAsInt();
        int labs = c.get("n_labels").getAsInt();
        int inst = c.get("n_instances").getAsInt();
        int epochSize = c.get("epoch_size").getAsInt();
        JsonElement fresh = c.get("unused_labels_per_batch");
        for (long seed = 0; seed < 10; seed++) {
            DistinctCategoryBalanceSampler s = sampler(c, epochSize, seed);
            if (s.batchSize() != c.get("batch_size").getAsInt() || s.batchesPerEpoch() != epochSize) {
                failures.add("batch size " + s.batchSize() + " / epoch " + s.batchesPerEpoch());
            }
            for (int epoch = 0; epoch < 2; epoch++) {
                List<int[]> batches = s.batches(epoch);
                List<Integer> unused = DistinctCategorySamplerChecks.structure(batches, labels, categories, cats,
                        labs, inst, failures);
                if (fresh.isJsonArray() && !unused.equals(asInts(fresh.getAsJsonArray()))) {
                    failures.add("seed " + seed + ": unused labels per batch " + unused + ", OML's " + fresh);
                }
            }
        }
    }

    private static DistinctCategoryBalanceSampler sampler(JsonObject c, int epochSize, long seed) {
        return new DistinctCategoryBalanceSampler(Fixtures.longVector(c.get("labels")),
                Fixtures.longVector(c.get("categories")), c.get("n_categories").getAsInt(),
                c.get("n_labels").getAsInt(), c.get("n_instances").getAsInt(), epochSize, seed);
    }

    private static List<Integer> asInts(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsInt()));
        return out;
    }

    private static void compare(List<String> failures, String what, JsonObject want, String key, Double got,
            boolean expectNaN) {
        if (got == null) {
            failures.add(what + " missing");
        } else if (expectNaN) {
            if (!Double.isNaN(got)) {
                failures.add(what + " = " + got + ", expected NaN (no query of the category has a relevant item)");
            }
        } else {
            near(failures, what, want.get(key).getAsDouble(), got);
        }
    }

    private static void near(List<String> failures, String what, double expected, double actual) {
        WORST.accumulate(Math.abs(expected - actual) / (expected == 0 ? 1 : Math.abs(expected)));
        if (!(Math.abs(expected - actual) <= TOL * Math.max(1, Math.abs(expected)))) {
            failures.add(what + " = " + actual + ", expected " + expected);
        }
    }

    /** A dataset of the suite: rows with labels, categories and query/gallery flags. */
    private record Rows(double[][] embeddings, long[] labels, String[] categories, boolean[] isQuery,
            boolean[] isGallery) {

        static Rows of(JsonObject ds) {
            JsonArray cats = ds.getAsJsonArray("categories");
            String[] categories = new String[cats.size()];
            for (int i = 0; i < categories.length; i++) {
                categories[i] = cats.get(i).getAsString();
            }
            return new Rows(Fixtures.matrix(ds.get("embeddings")), Fixtures.longVector(ds.get("labels")), categories,
                    flags(ds.getAsJsonArray("is_query")), flags(ds.getAsJsonArray("is_gallery")));
        }

        private static boolean[] flags(JsonArray a) {
            boolean[] out = new boolean[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).getAsBoolean();
            }
            return out;
        }

        long[] queryLabels() {
            return java.util.stream.IntStream.range(0, labels.length).filter(i -> isQuery[i])
                    .mapToLong(i -> labels[i]).toArray();
        }

        long[] galleryLabels() {
            return java.util.stream.IntStream.range(0, labels.length).filter(i -> isGallery[i])
                    .mapToLong(i -> labels[i]).toArray();
        }

        /** Each query's own gallery position, or -1. */
        long[] selfInGallery() {
            long[] out = new long[queryLabels().length];
            for (int row = 0, q = 0, g = 0; row < labels.length; row++) {
                if (isQuery[row]) {
                    out[q++] = isGallery[row] ? g : -1;
                }
                g += isGallery[row] ? 1 : 0;
            }
            return out;
        }

        /** The query positions of a category. */
        int[] queriesIn(String category) {
            List<Integer> out = new ArrayList<>();
            for (int row = 0, q = 0; row < labels.length; row++) {
                if (isQuery[row]) {
                    if (categories[row].equals(category)) {
                        out.add(q);
                    }
                    q++;
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
