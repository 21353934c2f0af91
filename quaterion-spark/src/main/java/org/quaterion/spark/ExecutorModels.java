package org.quaterion.spark;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.quaterion.models.SimilarityModel;

/**
 * The models of one executor JVM: each saved model is loaded at most once per concurrently running task and reused by
 * later tasks, so the engine and the weights load once per executor, not once per partition. Instances are never
 * shared by two tasks at the same time.
 */
final class ExecutorModels {

    private static final Map<String, Deque<SimilarityModel<Object>>> IDLE = new HashMap<>();

    private ExecutorModels() {}

    /**
     * One libtorch (and ONNX Runtime) thread per task, since Spark runs one task per core, unless the user
     * configured otherwise.
     */
    static void configureThreads() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("quaterion.onnx.threads") == null) {
            System.setProperty("quaterion.onnx.threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** A model for this task: an idle one, or a newly loaded one. */
    static SimilarityModel<Object> borrow(String dir) {
        synchronized (IDLE) {
            Deque<SimilarityModel<Object>> idle = IDLE.get(dir);
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        configureThreads();
        return SimilarityModel.load(Path.of(dir), Object.class);
    }

    /** Gives a model back for later tasks. */
    static void release(String dir, SimilarityModel<Object> model) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(dir, d -> new ArrayDeque<>()).push(model);
        }
    }
}
