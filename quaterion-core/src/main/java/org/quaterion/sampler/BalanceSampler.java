package org.quaterion.sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * P labels × K instances per batch (PML's {@code MPerClassSampler}, OML's {@code BalanceSampler}), so in-batch
 * miners always find positives. One epoch visits every sample: each label's instances are shuffled and cut into runs
 * of K (the last run topped up with other instances of the label), the runs are shuffled and packed P distinct
 * labels at a time. A label with fewer than K instances is drawn with replacement. Seeded per epoch.
 */
public final class BalanceSampler implements BatchSampler {

    private final int labelsPerBatch;
    private final int instancesPerLabel;
    private final long seed;
    private final List<int[]> rowsByLabel;

    /**
     * Creates the sampler.
     *
     * @param labels the label of every dataset row
     * @param labelsPerBatch P, at least 2
     * @param instancesPerLabel K, at least 2
     * @param seed shuffling seed
     */
    public BalanceSampler(long[] labels, int labelsPerBatch, int instancesPerLabel, long seed) {
        if (labelsPerBatch < 2 || instancesPerLabel < 2) {
            throw new IllegalArgumentException("a balanced batch needs at least 2 labels × 2 instances, got "
                    + labelsPerBatch + " × " + instancesPerLabel);
        }
        Map<Long, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            byLabel.computeIfAbsent(labels[i], l -> new ArrayList<>()).add(i);
        }
        if (byLabel.size() < labelsPerBatch) {
            throw new IllegalArgumentException("the dataset has " + byLabel.size() + " labels, fewer than the "
                    + labelsPerBatch + " each batch needs; lower labelsPerBatch or add data");
        }
        this.rowsByLabel = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> e : byLabel.entrySet()) {
            if (e.getValue().size() < 2) {
                throw new IllegalArgumentException("label " + e.getKey() + " has a single sample: a balanced batch "
                        + "needs at least 2 per label; drop it or add samples");
            }
            rowsByLabel.add(e.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        this.labelsPerBatch = labelsPerBatch;
        this.instancesPerLabel = instancesPerLabel;
        this.seed = seed;
    }

    @Override
    public List<int[]> batches(int epoch) {
        Random random = new Random(seed * 1_000_003L + epoch);
        List<int[]> runs = new ArrayList<>();
        for (int l = 0; l < rowsByLabel.size(); l++) {
            int[] rows = rowsByLabel.get(l).clone();
            shuffle(rows, random);
            int count = Math.max(1, (rows.length + instancesPerLabel - 1) / instancesPerLabel);
            for (int r = 0; r < count; r++) {
                int[] run = new int[instancesPerLabel + 1];
                run[0] = l;
                for (int j = 0; j < instancesPerLabel; j++) {
                    int at = r * instancesPerLabel + j;
                    run[j + 1] = at < rows.length ? rows[at] : rows[random.nextInt(rows.length)];
                }
                runs.add(run);
            }
        }
        java.util.Collections.shuffle(runs, random);
        List<int[]> batches = new ArrayList<>();
        List<int[]> pending = new ArrayList<>(runs);
        while (true) {
            List<int[]> batch = new ArrayList<>();
            boolean[] used = new boolean[rowsByLabel.size()];
            for (java.util.Iterator<int[]> it = pending.iterator(); it.hasNext() && batch.size() < labelsPerBatch;) {
                int[] run = it.next();
                if (!used[run[0]]) {
                    used[run[0]] = true;
                    batch.add(run);
                    it.remove();
                }
            }
            if (batch.size() < labelsPerBatch) {
                break; // leftover runs of too few distinct labels: dropped, as OML drops the last incomplete batch
            }
            int[] rows = new int[labelsPerBatch * instancesPerLabel];
            for (int b = 0; b < batch.size(); b++) {
                System.arraycopy(batch.get(b), 1, rows, b * instancesPerLabel, instancesPerLabel);
            }
            batches.add(rows);
        }
        return batches;
    }

    @Override
    public int batchesPerEpoch() {
        return batches(0).size();
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public String toString() {
        return "BalanceSampler(" + labelsPerBatch + " labels × " + instancesPerLabel + " instances, "
                + rowsByLabel.size() + " labels, " + Arrays.stream(rowsByLabel.toArray(new int[0][]))
                .mapToInt(r -> r.length).sum() + " rows)";
    }
}
