package org.quaterion.cli;

/**
 * The tool's default slf4j-simple levels for the engines' start-up messages, set before any engine loads (each
 * logger reads its level when it is created). On a CPU machine DJL's CUDA probe ({@code ai.djl.util.cuda.CudaUtils})
 * warns "Failed to detect GPU count" each time an engine starts, and ONNX Runtime's engine
 * ({@code ai.djl.onnxruntime.engine.OrtEngine}) warns that it has no CUDA provider: DJL asks for that provider itself
 * when ONNX Runtime's first NDManager picks its default device, whatever device the model names. Both are noise for
 * a CPU run and go to ERROR; the rest of DJL's start-up lines (platform, thread counts) go to WARN. A level given on
 * the command line ({@code -Dorg.slf4j.simpleLogger.log.<logger>=…}) wins.
 */
final class EngineLogLevels {

    private static final String PREFIX = "org.slf4j.simpleLogger.log.";

    /** Loggers and the level the tool gives them unless the user chose one. */
    static final String[][] DEFAULTS = {
        {"ai.djl", "warn"},
        {"ai.djl.util.cuda.CudaUtils", "error"},
        {"ai.djl.onnxruntime.engine.OrtEngine", "error"},
    };

    private EngineLogLevels() {}

    /** Sets the defaults; loggers created earlier in this JVM keep their level. */
    static void apply() {
        for (String[] d : DEFAULTS) {
            if (System.getProperty(PREFIX + d[0]) == null) {
                System.setProperty(PREFIX + d[0], d[1]);
            }
        }
    }
}
