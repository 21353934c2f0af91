package org.quaterion.onnx.export;

/**
 * A model that cannot be exported as one ONNX graph: the message names the part (encoder, head, activation, data
 * type) and what to do instead. Nothing has been written when it is thrown.
 */
public final class OnnxExportException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what cannot be exported and what to do
     */
    public OnnxExportException(String message) {
        super(message);
    }
}
