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
}
