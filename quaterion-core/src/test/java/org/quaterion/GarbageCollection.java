package org.quaterion;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;

/** Test helper: a full garbage collection whose freed direct buffers are really freed when it returns. */
public final class GarbageCollection {

    private GarbageCollection() {}

    /**
     * Runs a full collection and waits until the reference handler (which frees direct buffers) has processed it;
     * twice, so that buffers freed by the first round's cleaners are gone too.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public static void collectAndFreeDirectBuffers() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            PhantomReference<Object> probe = new PhantomReference<>(new Object(), queue);
            System.gc();
            assertNotNull(queue.remove(60_000), "the reference handler did not run within a minute");
            Reference.reachabilityFence(probe);
        }
    }
}
