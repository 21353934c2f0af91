package org.quaterion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test class's {@code main} in a fresh JVM (one libtorch intra-op thread, nothing else set). */
public final class ForkedJvm {

    private ForkedJvm() {}

    /**
     * Runs {@code main} of a class on the test class path in a new JVM and returns the line of its output that
     * starts with {@code prefix}.
     *
     * @param main the class
     * @param prefix the result line's prefix
     * @return that line
     * @throws Exception when the process cannot be run
     */
    public static String resultLine(Class<?> main, String prefix) throws Exception {
        return resultLine(main, Path.of("").toAbsolutePath(), prefix);
    }

    /**
     * Runs {@code main} of a class on the test class path in a new JVM whose working directory is {@code workDir}
     * (so relative paths in the program resolve there), checks that it ends with status 0 within 3 minutes (a child
     * still running then is killed), and returns the line of its output that starts with {@code prefix}.
     *
     * @param main the class
     * @param workDir the child's working directory
     * @param prefix the result line's prefix
     * @param args the program's arguments
     * @return that line
     * @throws Exception when the process cannot be run
     */
    public static String resultLine(Class<?> main, Path workDir, String prefix, String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        // output goes to a file, so that a child that never ends is stopped by the wait below, not read forever
        Path log = Files.createTempFile("forked-jvm-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            assertTrue(ended, "the child did not end within 180 s: " + out);
            assertEquals(0, p.exitValue(), out);
            return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() ->
                    new AssertionError("no '" + prefix + "' line from " + main.getSimpleName() + ": " + out));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
