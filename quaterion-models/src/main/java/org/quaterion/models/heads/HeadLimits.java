package org.quaterion.models.heads;

import org.quaterion.models.internal.ArtifactLimits;

/**
 * The bounds every built-in head checks in its constructor, before it creates a layer or a parameter, so that a
 * head config read from a file ({@code n_layers: 100000000}, a width of 2^40) is refused at once instead of filling
 * memory. Each bound is far above what a real head uses: widths up to {@value #MAX_WIDTH}, up to
 * {@value #MAX_LAYERS} layers per head, up to {@value #MAX_HEADS} heads in one head tree (the parts of sequential and
 * switch heads), at most {@link ArtifactLimits#MAX_TENSOR_ELEMENTS} values per weight matrix, and at most
 * {@link ArtifactLimits#maxHeadParameters()} parameter values in all (configurable with the system property
 * {@value ArtifactLimits#MAX_HEAD_PARAMETERS_PROPERTY}). See docs/models.md.
 */
public final class HeadLimits {

    /** The widest input, output or hidden size a head may have: 2^24. */
    public static final int MAX_WIDTH = 1 << 24;
    /** The most layers one head may stack ({@code n_layers}, the length of {@code output_sizes}). */
    public static final int MAX_LAYERS = 1024;
    /** The most heads one head tree may hold: a sequential or switch head and all its parts, nested or not. */
    public static final int MAX_HEADS = 256;

    private HeadLimits() {}

    /**
     * Checks a width setting.
     *
     * @param head the head type, for the message
     * @param key the setting's config key
     * @param value its value
     * @return the value
     * @throws IllegalArgumentException when it is over {@link #MAX_WIDTH}
     */
    static int width(String head, String key, long value) {
        if (value > MAX_WIDTH) {
            throw new IllegalArgumentException(label(head) + ": " + key + " is " + value + ", above the bound of "
                    + MAX_WIDTH + " a head's widths may have");
        }
        return (int) value;
    }

    /**
     * Checks a layer count.
     *
     * @param head the head type, for the message
     * @param key the setting's config key
     * @param value its value
     * @throws IllegalArgumentException when it is over {@link #MAX_LAYERS}
     */
    public static void layers(String head, String key, long value) {
        if (value > MAX_LAYERS) {
            throw new IllegalArgumentException(label(head) + ": " + key + " is " + value + ", above the bound of "
                    + MAX_LAYERS + " layers a head may have");
        }
    }

    /**
     * Checks the number of heads in a head tree.
     *
     * @param count the heads counted so far
     * @throws IllegalArgumentException when it is over {@link #MAX_HEADS}
     */
    public static void heads(long count) {
        if (count > MAX_HEADS) {
            throw new IllegalArgumentException("the head holds more than " + MAX_HEADS + " heads (sequential and "
                    + "switch parts, nested ones included), the bound of one head tree");
        }
    }

    /**
     * The parameter values of a linear layer {@code in → out}, with its weight matrix checked against
     * {@link ArtifactLimits#MAX_TENSOR_ELEMENTS}.
     *
     * @param head the head type, for the message
     * @param in input width
     * @param out output width
     * @param bias whether it has a bias
     * @return {@code in·out (+ out)}
     * @throws IllegalArgumentException when the weight matrix is over the bound
     */
    static long linear(String head, long in, long out, boolean bias) {
        long weights = ArtifactLimits.multiply(Math.max(in, 0), Math.max(out, 0));
        if (weights > ArtifactLimits.MAX_TENSOR_ELEMENTS) {
            throw new IllegalArgumentException(label(head) + ": a " + in + " x " + out + " weight matrix has " + weights
                    + " values, above the bound of " + ArtifactLimits.MAX_TENSOR_ELEMENTS + " per tensor");
        }
        return ArtifactLimits.add(weights, bias ? out : 0);
    }

    /** "skip_connection head", or a class name such as "GatedHead" as it is. */
    private static String label(String head) {
        return head.endsWith("Head") ? head : head + " head";
    }

    /**
     * Checks a head's total parameter count.
     *
     * @param head the head type, for the message
     * @param count its parameter values (saturated)
     * @return the count
     * @throws IllegalArgumentException when it is over {@link ArtifactLimits#maxHeadParameters()}
     */
    static long total(String head, long count) {
        long max = ArtifactLimits.maxHeadParameters();
        if (count > max) {
            throw new IllegalArgumentException(label(head) + ": its settings give " + (count == Long.MAX_VALUE
                    ? "more than " + Long.MAX_VALUE : String.valueOf(count)) + " parameter values, above the bound of "
                    + max + " (raise it with -D" + ArtifactLimits.MAX_HEAD_PARAMETERS_PROPERTY + " if the head is "
                    + "really that large)");
        }
        return count;
    }
}
