package org.quaterion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link QuaterionCli} in a JVM of its own, as a user would, and writes the small inputs those runs train on. */
final class CliProcess {

    private CliProcess() {}

    /**
     * Starts the CLI offline with one libtorch thread and a 1 GiB heap, stdout and stderr merged.
     *
     * @param dir the working directory
     * @param jvmOptions further JVM options (e.g. logging levels); empty for the CLI's own defaults
     * @param args the CLI arguments
     * @return the running process
     * @throws IOException when the JVM cannot start
     */
    static Process start(Path dir, List<String> jvmOptions, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, QuaterionCli.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    /**
     * Writes {@code n} text pairs ({@code obj_a} a definition, {@code obj_b} its word) as JSON lines.
     *
     * @param file the file to write
     * @param n the number of pairs
     * @throws IOException when the file cannot be written
     */
    static void writePairs(Path file, int n) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"obj_a\": \"definition number " + i + " of a word\", \"obj_b\": \"word" + i + "\"}");
        }
        Files.write(file, lines);
    }
}
