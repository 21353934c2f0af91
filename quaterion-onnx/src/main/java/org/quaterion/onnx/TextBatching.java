package org.quaterion.onnx;

import java.util.Locale;

/**
 * How a text encoder runs a batch of texts through its transformer. {@link #PER_TEXT}, the default, makes a text's
 * vector independent of the batch it arrives in: a service that batches requests, a cache filled in any order and a
 * single {@code encode} call give the same bits for the same text.
 */
public enum TextBatching {
    /**
     * Each text is run on its own, as a batch of one with no padding: its vector is bit-for-bit the same alone and
     * in any batch. The default.
     */
    PER_TEXT,
    /**
     * One run per batch, every text padded to the batch's longest. A text's vector then depends on the batch: by
     * up to 0.03 per value for the int8 MiniLM (whose activations are quantised per batch tensor), by float
     * rounding (~1e-7) for fp32 models on some kernels. Use only where throughput on a device that favours large
     * batches matters more than reproducible vectors.
     */
    PADDED;

    /** The name written to a servable's {@code config.json}. */
    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads the name written by {@link #configName()}.
     *
     * @param name the saved name
     * @param file the config file, for the message
     * @return the mode
     */
    static TextBatching fromConfig(String name, String file) {
        for (TextBatching b : values()) {
            if (b.configName().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException(file + ": batching must be per_text or padded, got " + name);
    }
}
