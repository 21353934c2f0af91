package org.quaterion.loss;

/** Argument checks for loss settings: each failure names the loss, the setting, its valid range and the value. */
final class Args {

    private Args() {}

    /** A finite value at least {@code min}. */
    static double atLeast(String loss, String name, double value, double min) {
        if (!Double.isFinite(value) || value < min) {
            throw new IllegalArgumentException(loss + " needs " + name + " >= " + min + " (finite), got " + value);
        }
        return value;
    }

    /** A finite value greater than 0. */
    static double positive(String loss, String name, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(loss + " needs " + name + " > 0 (finite), got " + value);
        }
        return value;
    }

    /** A finite value. */
    static double finite(String loss, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(loss + " needs a finite " + name + ", got " + value);
        }
        return value;
    }
}
