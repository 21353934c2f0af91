package org.quaterion.models.io;

import java.nio.file.Path;

/**
 * A file of a saved artifact (model, checkpoint) is damaged: its bytes differ from the checksum recorded when it was
 * written, or it cannot be parsed. Unlike a user error (a wrong path, a bad setting) or a library bug, the fix is to
 * restore the artifact from a copy or write it again. The CLI exits with status 3 for it.
 */
public class CorruptArtifactException extends ModelFormatException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the damaged file
     * @param problem what is wrong and what to do
     */
    public CorruptArtifactException(Path file, String problem) {
        super(file, problem);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the damaged file
     * @param problem what is wrong and what to do
     * @param cause the underlying failure
     */
    public CorruptArtifactException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
