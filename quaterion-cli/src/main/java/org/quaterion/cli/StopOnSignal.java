package org.quaterion.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during long work: the first asks the work to stop at its next safe point (the JVM's
 * own shutdown, which would run ONNX Runtime's shutdown hook while a session is still encoding, does not start); a
 * second one exits at once without shutdown hooks. Restores the previous handlers when closed.
 */
final class StopOnSignal implements AutoCloseable {

    private static final String[] SIGNALS = {"INT", "TERM"};

    private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];
    private volatile boolean requested;

    /**
     * Installs the handlers.
     *
     * @param onStop called once, on the signal's thread, at the first signal
     */
    StopOnSignal(Runnable onStop) {
        for (int i = 0; i < SIGNALS.length; i++) {
            previous[i] = Signal.handle(new Signal(SIGNALS[i]), signal -> {
                if (requested) {
                    System.err.println("interrupted again: exiting now");
                    Runtime.getRuntime().halt(130);
                }
                requested = true;
                System.err.println("stopping at the next safe point (press Ctrl-C again to exit at once)");
                onStop.run();
            });
        }
    }

    /**
     * Whether a signal arrived.
     *
     * @return true after the first signal
     */
    boolean requested() {
        return requested;
    }

    @Override
    public void close() {
        for (int i = 0; i < SIGNALS.length; i++) {
            Signal.handle(new Signal(SIGNALS[i]), previous[i]);
        }
    }
}
