package org.quaterion.dataset;

import java.util.List;
import java.util.function.Function;

/**
 * A batch of n pairs in Quaterion's layout: records {@code [a_0 … a_{n−1}, b_0 … b_{n−1}]} (2n), {@code pairs[i] =
 * (i, i + n)}, {@code labels[i]} the pair's score and {@code subgroups} of length 2n (each pair's subgroup twice).
 * Explicit negatives of the samples follow as k more records (pair by pair, in the samples' order), each listed in
 * {@code negatives} as {@code (pair index, record index)} and given its pair's subgroup. Distillation targets, when
 * the samples carry them, ride along: one teacher embedding per pair, one teacher margin per explicit negative.
 *
 * @param records 2n + k objects to encode
 * @param pairs {@code [n][2]} record indices
 * @param labels n scores
 * @param subgroups 2n + k subgroups
 * @param rows the dataset rows of the n pairs
 * @param negatives {@code [k][2]}: (pair index, record index) of each explicit negative; empty for none
 * @param teacherEmbeddings {@code [n][d_T]}: each pair's teacher embedding, or null when the samples have none
 * @param teacherMargins {@code [k]}: each explicit negative's teacher margin, or null when the samples have none
 * @param <T> record type
 */
public record PairBatch<T>(List<T> records, long[][] pairs, double[] labels, long[] subgroups, int[] rows,
        long[][] negatives, float[][] teacherEmbeddings, double[] teacherMargins) implements Batch<T> {

    /** Normalises a null negatives list to empty and checks the teacher targets' sizes. */
    public PairBatch {
        negatives = negatives == null ? new long[0][] : negatives;
        if (teacherEmbeddings != null && teacherEmbeddings.length != pairs.length) {
            throw new IllegalArgumentException("a batch of " + pairs.length + " pairs needs one teacher embedding per "
                    + "pair, got " + teacherEmbeddings.length);
        }
        if (teacherMargins != null && teacherMargins.length != negatives.length) {
            throw new IllegalArgumentException("a batch of " + negatives.length + " explicit negatives needs one "
                    + "teacher margin per negative, got " + teacherMargins.length);
        }
    }

    /**
     * A batch without teacher targets.
     *
     * @param records 2n + k objects to encode
     * @param pairs {@code [n][2]} record indices
     * @param labels n scores
     * @param subgroups 2n + k subgroups
     * @param rows the dataset rows of the n pairs
     * @param negatives {@code [k][2]} (pair index, record index) of each explicit negative, or null for none
     */
    public PairBatch(List<T> records, long[][] pairs, double[] labels, long[] subgroups, int[] rows,
            long[][] negatives) {
        this(records, pairs, labels, subgroups, rows, negatives, null, null);
    }

    /**
     * A batch without explicit negatives.
     *
     * @param records 2n objects to encode
     * @param pairs {@code [n][2]} record indices
     * @param labels n scores
     * @param subgroups 2n subgroups
     * @param rows the dataset rows of the n pairs
     */
    public PairBatch(List<T> records, long[][] pairs, double[] labels, long[] subgroups, int[] rows) {
        this(records, pairs, labels, subgroups, rows, null, null, null);
    }

    /**
     * The same batch with other records in the same positions (e.g. the records with their prompt).
     *
     * @param replaced one record per record of this batch
     * @return the new batch
     */
    public PairBatch<T> withRecords(List<T> replaced) {
        if (replaced.size() != records.size()) {
            throw new IllegalArgumentException("a pair batch of " + records.size() + " records cannot take "
                    + replaced.size());
        }
        return new PairBatch<>(replaced, pairs, labels, subgroups, rows, negatives, teacherEmbeddings,
                teacherMargins);
    }

    /**
     * The teacher embeddings of a batch's pairs, from each pair's own.
     *
     * @param perPair each pair's teacher embedding, null for none
     * @return {@code [n][d_T]}, or null when no pair has one
     * @throws IllegalArgumentException when some pairs have one and others not, or their sizes differ
     */
    public static float[][] teacherEmbeddings(List<float[]> perPair) {
        if (perPair.stream().allMatch(e -> e == null)) {
            return null;
        }
        float[][] out = new float[perPair.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = perPair.get(i);
            if (out[i] == null || out[i].length != out[0].length) {
                throw new IllegalArgumentException("pair " + i + " of a batch has " + (out[i] == null ? "no teacher "
                        + "embedding" : "a teacher embedding of " + out[i].length + " values") + " but pair 0 has one "
                        + "of " + out[0].length + ": give every pair of the data a teacher embedding of one size");
            }
        }
        return out;
    }

    /**
     * The teacher margins of a batch's explicit negatives, pair by pair in the negatives' order.
     *
     * @param perPair each pair's margins, null for none
     * @param negativeCounts each pair's number of explicit negatives
     * @return {@code [k]}, or null when no pair has margins
     * @throws IllegalArgumentException when a pair with negatives has no margins and another pair has some
     */
    public static double[] teacherMargins(List<double[]> perPair, int[] negativeCounts) {
        if (perPair.stream().allMatch(m -> m == null)) {
            return null;
        }
        double[] out = new double[java.util.Arrays.stream(negativeCounts).sum()];
        int k = 0;
        for (int i = 0; i < negativeCounts.length; i++) {
            double[] margins = perPair.get(i);
            if (margins == null && negativeCounts[i] > 0) {
                throw new IllegalArgumentException("pair " + i + " of a batch has " + negativeCounts[i] + " explicit "
                        + "negatives without teacher margins, other pairs have margins: give every negative of the "
                        + "data its teacher margin (withTeacherMargins)");
            }
            if (margins != null) {
                System.arraycopy(margins, 0, out, k, margins.length);
                k += margins.length;
            }
        }
        return out;
    }

    @Override
    public int size() {
        return 2 * rows.length + negatives.length;
    }

    @Override
    public <R> R match(Function<GroupBatch<T>, R> onGroups, Function<PairBatch<T>, R> onPairs) {
        return onPairs.apply(this);
    }
}
