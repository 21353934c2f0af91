package org.quaterion.models;

import java.io.IOException;
import java.nio.file.Path;

/** Helpers of the hostile-file tests. */
public final class HostileFiles {

    private HostileFiles() {}

    /**
     * Makes a named pipe, where the system has {@code mkfifo}.
     *
     * @param path where
     * @return whether it was made
     */
    public static boolean mkfifo(Path path) {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
