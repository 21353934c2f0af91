package org.quaterion.sampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * C categories × P labels × K instances per batch (OML's {@code CategoryBalanceSampler}): labels of a batch share a
 * few categories, so negatives are hard (same category). An epoch has {@code ceil(labels / P)} batches; per batch,
 * C distinct categories are drawn (weighted by their number of labels), P labels from them without replacement
 * within the batch, and K instances per label (with replacement for small labels). Seeded per epoch.
 */
public final class CategoryBalanceSampler implements BatchSampler {

    private final int categoriesPerBatch;
    private final int labelsPerCategory;
    private final int instancesPerLabel;
    private final long seed;
    private final List<List<int[]>> categories;
    private final int labelCount;

    /**
     * Creates the sampler.
     *
     * @param labels the label of every dataset row
     * @param categories the category of every dataset row (constant within a label)
     * @param categoriesPerBatch C, at least 1
     * @param labelsPerCategory P, at least 2
     * @param instancesPerLabel K, at least 2
     * @param seed shuffling seed
     */
    public CategoryBalanceSampler(long[] labels, long[] categories, int categoriesPerBatch, int labelsPerCategory,
            int instancesPerLabel, long seed) {
        if (labels.length != categories.length) {
            throw new IllegalArgumentException("got " + labels.length + " labels and " + categories.length
                    + " categories; give one of each per row");
        }
        if (categoriesPerBatch < 1 || labelsPerCategory < 2 || instancesPerLabel < 2) {
            throw new IllegalArgumentException("need categoriesPerBatch >= 1, labelsPerCategory >= 2 and "
                    + "instancesPerLabel >= 2");
        }
        Map<Long, Long> categoryOf = new LinkedHashMap<>();
        Map<Long, Map<Long, List<Integer>>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            Long previous = categoryOf.putIfAbsent(labels[i], categories[i]);
            if (previous != null && previous != categories[i]) {
                throw new IllegalArgumentException("label " + labels[i] + " appears in categories " + previous
                        + " and " + categories[i] + "; a label must belong to one category");
            }
            grouped.computeIfAbsent(categories[i], c -> new LinkedHashMap<>())
                    .computeIfAbsent(labels[i], l -> new ArrayList<>()).add(i);
        }
        this.categories = new ArrayList<>();
        int count = 0;
        for (Map.Entry<Long, Map<Long, List<Integer>>> c : grouped.entrySet()) {
            if (c.getValue().size() < labelsPerCategory) {
                continue;
            }
            List<int[]> labelRows = new ArrayList<>();
            c.getValue().values().forEach(rows -> labelRows.add(rows.stream().mapToInt(Integer::intValue).toArray()));
            this.categories.add(labelRows);
            count += labelRows.size();
        }
        if (this.categories.size() < categoriesPerBatch) {
            throw new IllegalArgumentException("only " + this.categories.size() + " categories have at least "
                    + labelsPerCategory + " labels; a batch needs " + categoriesPerBatch);
        }
        this.categoriesPerBatch = categoriesPerBatch;
        this.labelsPerCategory = labelsPerCategory;
        this.instancesPerLabel = instancesPerLabel;
        this.seed = seed;
        this.labelCount = count;
    }

    @Override
    public List<int[]> batches(int epoch) {
        Random random = new Random(seed * 1_000_003L + epoch);
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < batchesPerEpoch(); b++) {
            List<Integer> pool = new ArrayList<>();
            for (int c = 0; c < categories.size(); c++) {
                pool.add(c);
            }
            int[] rows = new int[categoriesPerBatch * labelsPerCategory * instancesPerLabel];
            int at = 0;
            for (int c = 0; c < categoriesPerBatch; c++) {
                int category = pool.remove(weightedPick(pool, random));
                List<int[]> labelRows = new ArrayList<>(categories.get(category));
                java.util.Collections.shuffle(labelRows, random);
                for (int l = 0; l < labelsPerCategory; l++) {
                    int[] instances = labelRows.get(l).clone();
                    for (int k = 0; k < instancesPerLabel; k++) {
                        rows[at++] = k < instances.length ? pickWithoutReplacement(instances, k, random)
                                : instances[random.nextInt(instances.length)];
                    }
                }
            }
            out.add(rows);
        }
        return out;
    }

    private int weightedPick(List<Integer> pool, Random random) {
        int total = 0;
        for (int c : pool) {
            total += categories.get(c).size();
        }
        int r = random.nextInt(total);
        for (int i = 0; i < pool.size(); i++) {
            r -= categories.get(pool.get(i)).size();
            if (r < 0) {
                return i;
            }
        }
        return pool.size() - 1;
    }

    /** Partial Fisher-Yates: the k-th draw without replacement from {@code a}. */
    private static int pickWithoutReplacement(int[] a, int k, Random random) {
        int j = k + random.nextInt(a.length - k);
        int t = a[k];
        a[k] = a[j];
        a[j] = t;
        return a[k];
    }

    @Override
    public int batchesPerEpoch() {
        return (labelCount + labelsPerCategory - 1) / labelsPerCategory;
    }
}
