package org.quaterion.sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * C categories × P labels × K instances per batch, with labels not repeated until every label has been used (OML's
 * {@code DistinctCategoryBalanceSampler}). Each batch draws C distinct categories among those with unused labels,
 * then P unused labels from each (when a category has fewer left, all of them plus used labels of the same category
 * to make P), then K instances per label (without replacement, topped up with replacement for a label with fewer
 * than K). When fewer than C categories have unused labels, every label becomes unused again. An epoch is a fixed
 * number of batches. Seeded per epoch.
 *
 * <p>OML's rules on the data: 1 ≤ C ≤ the number of categories, 2 ≤ P ≤ the number of labels, K ≥ 2, every label
 * has at least 2 instances and one category, and every category has at least P labels.
 */
public final class DistinctCategoryBalanceSampler implements BatchSampler {

    private final int categoriesPerBatch;
    private final int labelsPerCategory;
    private final int instancesPerLabel;
    private final int epochSize;
    private final long seed;
    /** Per category (in category order): per label (in label order), its rows. */
    private final List<List<int[]>> categories;

    /**
     * Creates the sampler.
     *
     * @param labels the label of every dataset row
     * @param categories the category of every dataset row (constant within a label)
     * @param categoriesPerBatch C, from 1 to the number of categories
     * @param labelsPerCategory P, from 2 to the number of labels; every category needs at least P labels
     * @param instancesPerLabel K, at least 2
     * @param epochSize batches per epoch, at least 1
     * @param seed shuffling seed
     */
    public DistinctCategoryBalanceSampler(long[] labels, long[] categories, int categoriesPerBatch,
            int labelsPerCategory, int instancesPerLabel, int epochSize, long seed) {
        if (labels.length != categories.length) {
            throw new IllegalArgumentException("got " + labels.length + " labels and " + categories.length
                    + " categories; give one of each per row");
        }
        Map<Long, Map<Long, List<Integer>>> grouped = new TreeMap<>();
        Map<Long, Long> categoryOf = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            Long previous = categoryOf.putIfAbsent(labels[i], categories[i]);
            if (previous != null && previous != categories[i]) {
                throw new IllegalArgumentException("label " + labels[i] + " appears in categories " + previous
                        + " and " + categories[i] + "; a label must belong to one category");
            }
            grouped.computeIfAbsent(categories[i], c -> new TreeMap<>()).computeIfAbsent(labels[i],
                    l -> new ArrayList<>()).add(i);
        }
        if (categoriesPerBatch < 1 || categoriesPerBatch > grouped.size()) {
            throw new IllegalArgumentException("categoriesPerBatch must be in [1, " + grouped.size() + "] (the "
                    + "number of categories), got " + categoriesPerBatch);
        }
        if (labelsPerCategory < 2 || labelsPerCategory > categoryOf.size()) {
            throw new IllegalArgumentException("labelsPerCategory must be in [2, " + categoryOf.size() + "] (the "
                    + "number of labels; a batch needs two labels per category for negatives), got "
                    + labelsPerCategory);
        }
        if (instancesPerLabel < 2) {
            throw new IllegalArgumentException("instancesPerLabel must be at least 2 (positive pairs), got "
                    + instancesPerLabel);
        }
        if (epochSize < 1) {
            throw new IllegalArgumentException("epochSize must be at least 1 batch, got " + epochSize);
        }
        this.categories = new ArrayList<>();
        for (Map.Entry<Long, Map<Long, List<Integer>>> c : grouped.entrySet()) {
            if (c.getValue().size() < labelsPerCategory) {
                throw new IllegalArgumentException("category " + c.getKey() + " has " + c.getValue().size()
                        + " labels; every category needs at least labelsPerCategory = " + labelsPerCategory);
            }
            List<int[]> labelRows = new ArrayList<>();
            for (Map.Entry<Long, List<Integer>> l : c.getValue().entrySet()) {
                if (l.getValue().size() < 2) {
                    throw new IllegalArgumentException("label " + l.getKey() + " has a single sample: every label "
                            + "needs at least 2 to form positive pairs; drop it or add samples");
                }
                labelRows.add(l.getValue().stream().mapToInt(Integer::intValue).toArray());
            }
            this.categories.add(labelRows);
        }
        this.categoriesPerBatch = categoriesPerBatch;
        this.labelsPerCategory = labelsPerCategory;
        this.instancesPerLabel = instancesPerLabel;
        this.epochSize = epochSize;
        this.seed = seed;
    }

    @Override
    public List<int[]> batches(int epoch) {
        Random random = new Random(seed * 1_000_003L + epoch);
        List<List<Integer>> unused = new ArrayList<>();
        List<List<Integer>> used = new ArrayList<>();
        reset(unused, used);
        List<int[]> out = new ArrayList<>(epochSize);
        for (int b = 0; b < epochSize; b++) {
            List<Integer> available = new ArrayList<>();
            for (int c = 0; c < categories.size(); c++) {
                if (!unused.get(c).isEmpty()) {
                    available.add(c);
                }
            }
            if (available.size() < categoriesPerBatch) {
                reset(unused, used);
                available.clear();
                for (int c = 0; c < categories.size(); c++) {
                    available.add(c);
                }
            }
            int[] rows = new int[categoriesPerBatch * labelsPerCategory * instancesPerLabel];
            int at = 0;
            for (int category : draw(available, categoriesPerBatch, random)) {
                List<Integer> fresh = unused.get(category);
                List<Integer> labels = fresh.size() >= labelsPerCategory ? draw(fresh, labelsPerCategory, random)
                        : new ArrayList<>(fresh);
                if (labels.size() < labelsPerCategory) {
                    labels.addAll(draw(used.get(category), labelsPerCategory - labels.size(), random));
                }
                for (int label : labels) {
                    at = instances(categories.get(category).get(label), rows, at, random);
                }
                fresh.removeAll(labels);
                for (int label : labels) {
                    if (!used.get(category).contains(label)) {
                        used.get(category).add(label);
                    }
                }
            }
            out.add(rows);
        }
        return out;
    }

    /** Every label of every category unused again. */
    private void reset(List<List<Integer>> unused, List<List<Integer>> used) {
        unused.clear();
        used.clear();
        for (List<int[]> labels : categories) {
            List<Integer> all = new ArrayList<>();
            for (int l = 0; l < labels.size(); l++) {
                all.add(l);
            }
            unused.add(all);
            used.add(new ArrayList<>());
        }
    }

    /** K instances of a label (OML's smart_sample): a shuffle of all, topped up with replacement when too few. */
    private int instances(int[] labelRows, int[] rows, int at, Random random) {
        int[] pool = labelRows.clone();
        for (int k = 0; k < instancesPerLabel; k++) {
            if (k < pool.length) {
                int j = k + random.nextInt(pool.length - k);
                int t = pool[k];
                pool[k] = pool[j];
                pool[j] = t;
                rows[at++] = pool[k];
            } else {
                rows[at++] = pool[random.nextInt(pool.length)];
            }
        }
        return at;
    }

    /** {@code count} distinct elements of {@code from}, uniformly (a partial shuffle of a copy). */
    private static List<Integer> draw(List<Integer> from, int count, Random random) {
        List<Integer> pool = new ArrayList<>(from);
        for (int i = 0; i < count; i++) {
            java.util.Collections.swap(pool, i, i + random.nextInt(pool.size() - i));
        }
        return new ArrayList<>(pool.subList(0, count));
    }

    @Override
    public int batchesPerEpoch() {
        return epochSize;
    }

    /**
     * The batch size, C × P × K.
     *
     * @return the number of rows per batch
     */
    public int batchSize() {
        return categoriesPerBatch * labelsPerCategory * instancesPerLabel;
    }
}
