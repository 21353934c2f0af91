package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.OptionalDouble;

/** Gradient clipping and zeroing over the trained parameters. */
final class Gradients {

    private Gradients() {}

    /**
     * Clips the global gradient norm when configured; returns false (no update) when a gradient is NaN or infinite,
     * which one overflowing batch can cause and which would otherwise poison every weight.
     */
    static boolean clip(Map<String, NDArray> parameters, OptionalDouble maxNorm) {
        double squared;
        try (NDScope scope = new NDScope()) {
            NDArray total = null; // summed on the device: one host sync per step, not one per parameter
            for (NDArray p : parameters.values()) {
                NDArray part = p.getGradient().square().sum().toType(DataType.FLOAT64, false);
                total = total == null ? part : total.add(part);
            }
            squared = total == null ? 0 : total.getDouble();
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm)) {
            return false;
        }
        if (maxNorm.isPresent() && norm > maxNorm.getAsDouble()) {
            double scale = maxNorm.getAsDouble() / (norm + 1e-6);
            for (NDArray p : parameters.values()) {
                try (NDScope scope = new NDScope()) {
                    p.getGradient().muli(scale);
                }
            }
        }
        return true;
    }

    /** Zeroes the gradients; a non-finite one is overwritten, since subtracting it from itself would keep NaN. */
    static void zero(Map<String, NDArray> parameters, boolean finite) {
        for (NDArray p : parameters.values()) {
            try (NDScope scope = new NDScope()) {
                NDArray g = p.getGradient();
                if (finite) {
                    g.subi(g);
                } else {
                    g.set(new NDIndex("..."), 0);
                }
            }
        }
    }
}
