package org.quaterion.spring;

/**
 * A request the service refuses, with the HTTP status the endpoints answer: 400 for invalid input (blank query, no
 * texts, k out of range, a body that does not bind), 404 for a search without an index, 413 for input over a
 * configured limit.
 */
public final class InputRejectedException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status 400, 404 or 413
     * @param message what was wrong and how to fix it
     */
    public InputRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * The HTTP status to answer.
     *
     * @return 400, 404 or 413
     */
    public int status() {
        return status;
    }
}
