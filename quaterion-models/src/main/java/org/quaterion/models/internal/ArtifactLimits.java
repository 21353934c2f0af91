package org.quaterion.models.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quaterion.models.io.ModelFormatException;

/**
 * The bounds that the readers of saved artifacts check before they allocate, so that a small hostile file can
 * neither fill the heap nor keep a load busy: the size of any one file of a saved model, the number of parameter
 * values a head may declare, and the elements of one tensor. The two configurable bounds are read from system
 * properties at each load, so a service sets them once at start-up ({@code -Dquaterion.models.maxHeadParameters=…}).
 * See docs/models.md.
 */
public final class ArtifactLimits {

    /** The system property that sets {@link #maxHeadParameters()}. */
    public static final String MAX_HEAD_PARAMETERS_PROPERTY = "quaterion.models.maxHeadParameters";
    /**
     * The default bound on a head's parameter values, 2^30 (4 GiB in float32): a widening head on 8,192-wide
     * embeddings has 2^29; heads are projections on top of an encoder, far smaller than the encoder itself.
     */
    public static final long DEFAULT_MAX_HEAD_PARAMETERS = 1L << 30;
    /** The system property that sets {@link #maxFileBytes()}. */
    public static final String MAX_FILE_BYTES_PROPERTY = "quaterion.models.maxFileBytes";
    /** The default bound on one file of a saved model, 64 GiB: more than an fp32 encoder of 10 billion parameters. */
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 30;
    /**
     * The most elements one tensor read from a file may have, just under 2^31: the values are copied through Java
     * arrays, which hold no more.
     */
    public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

    private ArtifactLimits() {}

    /**
     * The most parameter values one head (with all its parts) may declare: {@value #MAX_HEAD_PARAMETERS_PROPERTY},
     * default {@link #DEFAULT_MAX_HEAD_PARAMETERS}.
     *
     * @return the bound, at least 1
     * @throws IllegalArgumentException when the property is set to something other than a positive integer
     */
    public static long maxHeadParameters() {
        return positive(MAX_HEAD_PARAMETERS_PROPERTY, DEFAULT_MAX_HEAD_PARAMETERS);
    }

    /**
     * The most bytes one file of a saved model may have, checked before the file is hashed or read:
     * {@value #MAX_FILE_BYTES_PROPERTY}, default {@link #DEFAULT_MAX_FILE_BYTES}.
     *
     * @return the bound, at least 1
     * @throws IllegalArgumentException when the property is set to something other than a positive integer
     */
    public static long maxFileBytes() {
        return positive(MAX_FILE_BYTES_PROPERTY, DEFAULT_MAX_FILE_BYTES);
    }

    /**
     * The most bytes a head's parameter file may have: {@link #maxHeadParameters()} float64 values plus 64 MiB for
     * names and shapes, and no more than {@link #maxFileBytes()}.
     *
     * @return the bound
     */
    public static long maxHeadParameterFileBytes() {
        return Math.min(maxFileBytes(), add(multiply(maxHeadParameters(), Double.BYTES), 64L << 20));
    }

    /**
     * Refuses a file larger than {@code bound}, by its size on disk, before it is read or hashed.
     *
     * @param file the file
     * @param bound the most bytes it may have
     * @param property the system property that raises the bound, for the message
     * @throws ModelFormatException when it is larger, or its size cannot be read
     */
    public static void checkFileSize(Path file, long bound, String property) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
        if (size > bound) {
            throw new ModelFormatException(file, "is " + size + " bytes, above the bound of " + bound + " bytes for "
                    + "this file of a saved model; it was not written by this library (raise the bound with -D"
                    + property + " if it is legitimate)");
        }
    }

    /**
     * {@code a * b} for non-negative operands, {@link Long#MAX_VALUE} when the product overflows: compared with a
     * bound, an overflowed size is simply too large.
     *
     * @param a a non-negative factor
     * @param b a non-negative factor
     * @return the product, saturated
     */
    public static long multiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    /**
     * {@code a + b} for non-negative operands, {@link Long#MAX_VALUE} when the sum overflows.
     *
     * @param a a non-negative term
     * @param b a non-negative term
     * @return the sum, saturated
     */
    public static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long positive(String property, long fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim().replace("_", ""));
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + property + " is '" + value + "': set a positive "
                + "integer (default " + fallback + ")");
    }
}
