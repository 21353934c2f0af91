package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The function a cross-encoder loss applies to the model's logits first (sentence-transformers' {@code activation_fn}). */
public enum ScoreActivation {
    /** The logits as they are ({@code nn.Identity}). */
    IDENTITY,
    /** The logistic sigmoid, scores in (0, 1) ({@code nn.Sigmoid}). */
    SIGMOID;

    /**
     * Applies the activation.
     *
     * @param logits the scores
     * @return the activated scores (the same array for the identity)
     */
    NDArray apply(NDArray logits) {
        return this == SIGMOID ? Activation.sigmoid(logits) : logits;
    }
}
