package org.quaterion.models.concurrent;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets calls into native resources (libtorch arrays, ONNX Runtime sessions, tokenizers) run concurrently and makes
 * {@link #close} wait for the calls in flight before it releases anything: closing a model while other threads encode
 * never frees memory under a running call (a JVM crash), and every call after close fails with
 * {@code IllegalStateException("... is closed")}.
 *
 * <pre>{@code
 * try (CloseGate.Pass pass = gate.enter()) {
 *     return runNative(...);
 * }
 * }</pre>
 *
 * <p>A thread that holds a pass must not call {@link #close} (it would wait for itself).
 */
public final class CloseGate {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private volatile boolean closed;

    /** A call in flight; closing it lets a waiting {@link CloseGate#close} proceed. */
    public interface Pass extends AutoCloseable {
        /** Ends the call. */
        @Override
        void close();
    }

    /**
     * Creates an open gate.
     *
     * @param what the guarded object, for the message after close (e.g. {@code "SimilarityModel"})
     */
    public CloseGate(String what) {
        this.what = what;
    }

    /**
     * Starts a call.
     *
     * @return the pass to close when the call ends
     * @throws IllegalStateException when the gate is closed
     */
    public Pass enter() {
        ReentrantReadWriteLock.ReadLock read = lock.readLock();
        read.lock();
        if (closed) {
            read.unlock();
            throw new IllegalStateException(what + " is closed");
        }
        return read::unlock;
    }

    /**
     * Closes the gate once: waits for the calls in flight, then runs {@code release}. Later calls of this method do
     * nothing.
     *
     * @param release frees the guarded resources
     * @return true when this call closed the gate
     */
    public boolean close(Runnable release) {
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            release.run();
            return true;
        } finally {
            write.unlock();
        }
    }

    /**
     * Whether {@link #close} has run.
     *
     * @return true when closed
     */
    public boolean isClosed() {
        return closed;
    }
}
