package org.quaterion.models.io;

import java.nio.file.Path;

/**
 * A saved model directory (or one of its files) is missing, truncated, corrupt, of an unknown type or of a newer
 * schema. The message names the file and the problem.
 */
public class ModelFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the offending file or directory
     * @param problem what is wrong with it (and, where known, what to do)
     */
    public ModelFormatException(Path file, String problem) {
        super(file + " " + problem);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the offending file or directory
     * @param problem what is wrong with it
     * @param cause the underlying failure
     */
    public ModelFormatException(Path file, String problem, Throwable cause) {
        super(file + " " + problem, cause);
    }
}
