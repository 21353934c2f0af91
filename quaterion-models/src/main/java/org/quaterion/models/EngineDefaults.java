package org.quaterion.models;

/**
 * Engine settings this library relies on, applied before DJL starts libtorch unless the user set them.
 *
 * <p>{@code ai.djl.pytorch.num_interop_threads} defaults to 1: with libtorch's default inter-op pool, the same seeded
 * fit gave different step losses in different JVMs (2-3 sequences in 12 fresh JVMs, 1 with this setting; see
 * docs/training.md, "Reproducibility"). Eager execution, which this library uses, gains nothing from that pool. A
 * value given with {@code -D} or {@link System#setProperty} before the engine starts wins. The setting only takes
 * effect if no NDManager was created before the first of this library's model classes was loaded.
 */
public final class EngineDefaults {

    /** The DJL system property for libtorch's inter-op threads. */
    public static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private EngineDefaults() {}

    /** Sets the defaults that the user has not set; idempotent. */
    public static synchronized void apply() {
        if (System.getProperty(INTEROP_THREADS) == null) {
            System.setProperty(INTEROP_THREADS, "1");
        }
    }
}
