package org.quaterion.classify;

import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Accuracy, per-class precision / recall / F1 and the confusion matrix of predicted labels against true ones (as
 * scikit-learn's {@code classification_report} and {@code confusion_matrix}; a class that is never predicted has
 * precision 0, one that never occurs recall 0, and F1 is 0 where precision + recall is 0).
 *
 * @param classes the labels seen in the truth or the predictions, ascending; row / column order of the matrix
 * @param confusion {@code confusion[i][j]}: samples of class {@code classes[i]} predicted as {@code classes[j]}
 */
public record ClassificationReport(long[] classes, long[][] confusion) {

    /**
     * Builds the report.
     *
     * @param truth true labels
     * @param predicted predicted labels, one per true label
     * @return the report
     */
    public static ClassificationReport of(long[] truth, long[] predicted) {
        if (truth.length != predicted.length || truth.length == 0) {
            throw new IllegalArgumentException("need one prediction per true label and at least one, got "
                    + truth.length + " labels and " + predicted.length + " predictions");
        }
        TreeSet<Long> seen = new TreeSet<>();
        Arrays.stream(truth).forEach(seen::add);
        Arrays.stream(predicted).forEach(seen::add);
        long[] classes = seen.stream().mapToLong(Long::longValue).toArray();
        long[][] confusion = new long[classes.length][classes.length];
        for (int i = 0; i < truth.length; i++) {
            confusion[Arrays.binarySearch(classes, truth[i])][Arrays.binarySearch(classes, predicted[i])]++;
        }
        return new ClassificationReport(classes, confusion);
    }

    /**
     * Samples counted.
     *
     * @return the total
     */
    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    /**
     * The fraction of samples predicted right.
     *
     * @return accuracy in [0, 1]
     */
    public double accuracy() {
        long right = 0;
        for (int i = 0; i < classes.length; i++) {
            right += confusion[i][i];
        }
        return (double) right / total();
    }

    /**
     * Precision of one class: right predictions of it over all predictions of it.
     *
     * @param label the class
     * @return precision, 0 when the class is never predicted
     */
    public double precision(long label) {
        int c = index(label);
        long predictedAs = 0;
        for (long[] row : confusion) {
            predictedAs += row[c];
        }
        return predictedAs == 0 ? 0 : (double) confusion[c][c] / predictedAs;
    }

    /**
     * Recall of one class: its samples predicted right over its samples.
     *
     * @param label the class
     * @return recall, 0 when the class never occurs
     */
    public double recall(long label) {
        int c = index(label);
        long support = Arrays.stream(confusion[c]).sum();
        return support == 0 ? 0 : (double) confusion[c][c] / support;
    }

    /**
     * F1 of one class: the harmonic mean of its precision and recall.
     *
     * @param label the class
     * @return F1, 0 when precision + recall is 0
     */
    public double f1(long label) {
        double p = precision(label);
        double r = recall(label);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The unweighted mean F1 over the classes.
     *
     * @return macro F1
     */
    public double macroF1() {
        return Arrays.stream(classes).mapToDouble(this::f1).average().orElse(0);
    }

    private int index(long label) {
        int i = Arrays.binarySearch(classes, label);
        if (i < 0) {
            throw new IllegalArgumentException("class " + label + " is in neither the truth nor the predictions; "
                    + "classes are " + Arrays.toString(classes));
        }
        return i;
    }

    /**
     * A plain-text table: one row per class (precision, recall, F1, support), then accuracy and macro F1.
     *
     * @return the table
     */
    public String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%10s %9s %9s %9s %9s%n", "class",
                "precision", "recall", "f1", "support"));
        for (int i = 0; i < classes.length; i++) {
            b.append(String.format(Locale.ROOT, "%10d %9.4f %9.4f %9.4f %9d%n", classes[i], precision(classes[i]),
                    recall(classes[i]), f1(classes[i]), Arrays.stream(confusion[i]).sum()));
        }
        b.append(String.format(Locale.ROOT, "accuracy %.4f, macro F1 %.4f, %d samples%n", accuracy(), macroF1(),
                total()));
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationReport r && Arrays.equals(classes, r.classes)
                && Arrays.deepEquals(confusion, r.confusion);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(classes) + Arrays.deepHashCode(confusion);
    }

    @Override
    public String toString() {
        return "ClassificationReport{classes=" + Arrays.toString(classes) + ", confusion="
                + Arrays.deepToString(confusion) + "}";
    }
}
