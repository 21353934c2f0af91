package org.quaterion.eval.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-query metric arithmetic over ranked document indices, averaged over the queries: sentence-transformers'
 * definitions (precision divides by k, MAP by {@code min(k, relevant)}), NDCG with the configured gain.
 */
final class IrMetrics {

    private final IrEvaluator.Config config;
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int queries;

    IrMetrics(IrEvaluator.Config config) {
        this.config = config;
        for (String name : config.metricNames()) {
            sums.put(name, 0.0);
        }
    }

    /**
     * Adds one query.
     *
     * @param ranked document indices, best first (at least the largest k, or the whole corpus when smaller)
     * @param relevant document index → grade (&gt; 0), not empty
     */
    void add(int[] ranked, Map<Integer, Integer> relevant) {
        int[] grades = new int[ranked.length];
        int[] hits = new int[ranked.length + 1]; // hits[r]: relevant documents among the first r
        for (int r = 0; r < ranked.length; r++) {
            grades[r] = relevant.getOrDefault(ranked[r], 0);
            hits[r + 1] = hits[r] + (grades[r] > 0 ? 1 : 0);
        }
        int nRelevant = relevant.size();
        for (int k : config.accuracyAt()) {
            add("accuracy@" + k, hits[Math.min(k, ranked.length)] > 0 ? 1 : 0);
        }
        for (int k : config.precisionRecallAt()) {
            int h = hits[Math.min(k, ranked.length)];
            add("precision@" + k, (double) h / k);
            add("recall@" + k, (double) h / nRelevant);
        }
        for (int k : config.mrrAt()) {
            double rr = 0;
            for (int r = 0; r < Math.min(k, ranked.length); r++) {
                if (grades[r] > 0) {
                    rr = 1.0 / (r + 1);
                    break;
                }
            }
            add("mrr@" + k, rr);
        }
        if (!config.ndcgAt().isEmpty()) {
            int[] ideal = relevant.values().stream().mapToInt(Integer::intValue).sorted().toArray();
            for (int k : config.ndcgAt()) {
                double dcg = 0;
                for (int r = 0; r < Math.min(k, ranked.length); r++) {
                    dcg += config.gain().gain(grades[r]) / log2(r + 2);
                }
                double idcg = 0;
                for (int r = 0; r < Math.min(k, ideal.length); r++) {
                    idcg += config.gain().gain(ideal[ideal.length - 1 - r]) / log2(r + 2);
                }
                add("ndcg@" + k, dcg / idcg);
            }
        }
        for (int k : config.mapAt()) {
            double sum = 0;
            for (int r = 0; r < Math.min(k, ranked.length); r++) {
                if (grades[r] > 0) {
                    sum += (double) hits[r + 1] / (r + 1);
                }
            }
            add("map@" + k, sum / Math.min(k, nRelevant));
        }
        queries++;
    }

    private void add(String name, double value) {
        sums.merge(name, value, Double::sum);
    }

    /** The means over the queries added, in the configured order. */
    Map<String, Double> means() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, queries == 0 ? Double.NaN : v / queries));
        return out;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    /** The metric names of a configuration, in sentence-transformers' order. */
    static List<String> names(List<Integer> accuracy, List<Integer> precisionRecall, List<Integer> mrr,
            List<Integer> ndcg, List<Integer> map) {
        List<String> out = new java.util.ArrayList<>();
        accuracy.forEach(k -> out.add("accuracy@" + k));
        precisionRecall.forEach(k -> {
            out.add("precision@" + k);
            out.add("recall@" + k);
        });
        mrr.forEach(k -> out.add("mrr@" + k));
        ndcg.forEach(k -> out.add("ndcg@" + k));
        map.forEach(k -> out.add("map@" + k));
        return out;
    }
}
