package org.quaterion.models;

import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets libtorch's thread counts from code, before DJL's PyTorch engine loads: the one entry point for trainers
 * ({@code Quaterion.configureEngine} calls it) and services. libtorch reads its thread counts once, when the engine
 * loads; {@code -Dai.djl.pytorch.num_threads=N} on the command line does the same.
 */
public final class EngineSetup {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);
    private static final String THREADS = "ai.djl.pytorch.num_threads";
    private static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
    private static final String SIMPLE_LOGGER_CUDA = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

    private EngineSetup() {}

    /**
     * Sets libtorch's intra-op threads to {@code threads} and its inter-op threads to 1 (our training and encoding
     * run one op at a time), and quiets DJL's CUDA-probe warnings under slf4j-simple (logger
     * {@code ai.djl.util.cuda.CudaUtils} at error, unless set). Call it first thing in {@code main}, before any model,
     * NDManager or NDArray exists.
     * Calling it again with the same count is harmless.
     *
     * @param threads intra-op threads, at least 1 (1 on small or busy machines; the number of physical cores for a
     *     dedicated one)
     * @throws IllegalArgumentException when threads is below 1
     * @throws IllegalStateException when the PyTorch engine has already loaded with another thread count
     */
    public static synchronized void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        String wanted = Integer.toString(threads);
        if (isPyTorchLoaded()) {
            String current = System.getProperty(THREADS);
            if (wanted.equals(current)) {
                return;
            }
            throw new IllegalStateException("the PyTorch engine is already loaded (with "
                    + (current == null ? "its default thread count" : current + " threads") + "), so libtorch's "
                    + "threads cannot change now: call EngineSetup.configure(" + threads + ") (or "
                    + "Quaterion.configureEngine) before the first model, NDManager or NDArray is created, or start the "
                    + "JVM with -D" + THREADS + "=" + threads);
        }
        System.setProperty(THREADS, wanted);
        System.setProperty(INTEROP_THREADS, "1");
        // DJL's CUDA probe warns "Failed to detect GPU count" where a CUDA library exists without a usable GPU;
        // quiet it under slf4j-simple unless the application configured that logger (other backends: see docs)
        if (System.getProperty(SIMPLE_LOGGER_CUDA) == null) {
            System.setProperty(SIMPLE_LOGGER_CUDA, "error");
        }
        LOG.debug("libtorch will use {} intra-op thread(s) and 1 inter-op thread", threads);
    }

    /**
     * Whether DJL's PyTorch engine has loaded in this JVM (its natives and thread pools are then fixed). False when
     * the PyTorch engine is not on the class path.
     *
     * @return whether it has loaded
     */
    public static boolean isPyTorchLoaded() {
        try {
            Class<?> provider = Class.forName("ai.djl.pytorch.engine.PtEngineProvider");
            Field engine = provider.getDeclaredField("engine");
            engine.setAccessible(true);
            return engine.get(null) != null;
        } catch (ClassNotFoundException e) {
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another DJL layout: cannot tell, so assume it has not loaded (the properties are then what counts)
            LOG.debug("cannot tell whether the PyTorch engine has loaded: {}", e.toString());
            return false;
        }
    }
}
