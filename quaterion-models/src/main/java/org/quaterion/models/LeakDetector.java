package org.quaterion.models;

import java.lang.ref.Cleaner;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when an object that owns native memory is reclaimed by the garbage collector without {@code close()}, and
 * releases its memory then (the way Netty's leak detector reports an unreleased buffer). The object registers a
 * release action that must not refer to it (else it would never become unreachable); {@link Tracker#close()} runs
 * the action silently, the collector runs it with a warning that names where the object was created.
 *
 * <p>The creation site is a few stack frames taken with a {@link StackWalker} when the object is created: cheap next
 * to loading a model, and no exception is created.
 */
final class LeakDetector {

    /** Stack frames kept of the creation site, after the owner's own frames. */
    private static final int SITE_FRAMES = 8;
    private static final Cleaner CLEANER = Cleaner.create(task -> {
        Thread thread = new Thread(task, "quaterion-leak-detector");
        thread.setDaemon(true);
        return thread;
    });
    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

    private LeakDetector() {}

    /** The registration of one object; closing it releases the object's memory without a warning. */
    interface Tracker {
        /** Runs the release action now (once; later calls do nothing), without a warning. */
        void close();
    }

    /**
     * Registers an object.
     *
     * @param owner the object whose reclamation without close is reported
     * @param log the logger the warning goes to (the owner's)
     * @param what how the warning names the object, e.g. {@code "SimilarityModel (encoders [default], head empty)"}
     * @param release frees the owner's native memory; must not refer to {@code owner}
     * @return the tracker, for the owner's {@code close()}
     */
    static Tracker track(Object owner, Logger log, String what, Runnable release) {
        Action action = new Action(log, what, creationSite(owner.getClass()), release);
        Cleaner.Cleanable cleanable = CLEANER.register(owner, action);
        return () -> {
            action.closed = true;
            cleanable.clean();
        };
    }

    /** The frames of the caller that created the owner: the first ones outside the owner's class (and its nested). */
    private static List<String> creationSite(Class<?> ownerClass) {
        String prefix = ownerClass.getName();
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(LeakDetector.class.getName())
                        && !f.getClassName().equals(prefix) && !f.getClassName().startsWith(prefix + "$"))
                .limit(SITE_FRAMES)
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":"
                        + f.getLineNumber() + ")")
                .toList());
    }

    /** The release action; holds no reference to the owner. */
    private static final class Action implements Runnable {
        private final Logger log;
        private final String what;
        private final List<String> site;
        private final Runnable release;
        /** Set by {@link Tracker#close()} before it runs the action: no warning then. */
        volatile boolean closed;

        Action(Logger log, String what, List<String> site, Runnable release) {
            this.log = log;
            this.what = what;
            this.site = site;
            this.release = release;
        }

        @Override
        public void run() {
            if (closed) {
                release.run();
                return;
            }
            // freed first, so that the report is true when it is read ("its native memory is freed now")
            RuntimeException failed = null;
            try {
                release.run();
            } catch (RuntimeException e) {
                failed = e;
            }
            log.warn("{} was reclaimed by the garbage collector without close(); its native memory is freed now, but "
                    + "until a collection runs it stays allocated (each unclosed load adds its full size). Close it "
                    + "(try-with-resources) when done. It was loaded (or built) at:\n\tat {}", what,
                    String.join("\n\tat ", site));
            if (failed != null) {
                // on the cleaner thread nobody else would see it
                LOG.warn("freeing the native memory of an unclosed {} failed: {}", what, failed.toString());
            }
        }
    }
}
