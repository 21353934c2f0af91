package org.quaterion.sampler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The batch shape OML's DistinctCategoryBalanceSampler promises, checked on one epoch of ours. */
public final class DistinctCategorySamplerChecks {

    private DistinctCategorySamplerChecks() {}

    /**
     * Checks every batch: C distinct categories, P distinct labels in each, K rows per label (distinct when the label
     * has K), and at least one label not used since the last reset.
     *
     * @param batches one epoch
     * @param labels label per row
     * @param categories category per row
     * @param c categories per batch
     * @param p labels per category
     * @param k instances per label
     * @param failures where problems go
     * @return per batch, how many of its labels had not been used since the last reset
     */
    public static List<Integer> structure(List<int[]> batches, long[] labels, long[] categories, int c, int p, int k,
            List<String> failures) {
        Map<Long, Integer> size = new LinkedHashMap<>();
        Set<Long> allLabels = new HashSet<>();
        for (long l : labels) {
            size.merge(l, 1, Integer::sum);
            allLabels.add(l);
        }
        List<Integer> freshPerBatch = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int b = 0; b < batches.size(); b++) {
            int[] batch = batches.get(b);
            if (batch.length != c * p * k) {
                failures.add("batch " + b + " has " + batch.length + " rows, expected " + c * p * k);
                return freshPerBatch;
            }
            Map<Long, List<Long>> labelsByCategory = new LinkedHashMap<>();
            for (int at = 0; at < batch.length; at += k) {
                long label = labels[batch[at]];
                Set<Integer> distinct = new HashSet<>();
                for (int j = at; j < at + k; j++) {
                    if (labels[batch[j]] != label) {
                        failures.add("batch " + b + ": an instance block mixes labels");
                    }
                    distinct.add(batch[j]);
                }
                if (distinct.size() != Math.min(k, size.get(label))) {
                    failures.add("batch " + b + ": label " + label + " repeats rows although it has enough");
                }
                labelsByCategory.computeIfAbsent(categories[batch[at]], x -> new ArrayList<>()).add(label);
            }
            if (labelsByCategory.size() != c) {
                failures.add("batch " + b + " spans " + labelsByCategory.size() + " categories, expected " + c);
            }
            for (List<Long> ls : labelsByCategory.values()) {
                if (ls.size() != p || new HashSet<>(ls).size() != p) {
                    failures.add("batch " + b + ": a category holds labels " + ls + ", expected " + p + " distinct");
                }
            }
            int fresh = 0;
            for (List<Long> ls : labelsByCategory.values()) {
                for (long l : ls) {
                    fresh += seen.add(l) ? 1 : 0;
                }
            }
            if (fresh == 0) {
                failures.add("batch " + b + " has no label unused since the last reset");
            }
            freshPerBatch.add(fresh);
            if (seen.equals(allLabels)) {
                seen.clear();
            }
        }
        return freshPerBatch;
    }
}
