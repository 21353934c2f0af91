package org.quaterion.models.rerank;

import java.util.function.IntFunction;

/** Checks what a {@link PairScorer} answered before its scores are used to order anything. */
public final class PairScores {

    private PairScores() {}

    /**
     * The scores, checked: one per item, each finite.
     *
     * @param scores what the scorer returned
     * @param expected the number of items scored
     * @param items what the items are, plural (e.g. {@code "candidates"}), for the message
     * @param name names item i in the message (e.g. {@code i -> "candidate '" + ids.get(i) + "'"})
     * @return {@code scores}
     * @throws IllegalStateException when the count is wrong or a score is NaN or infinite
     */
    public static float[] checked(float[] scores, int expected, String items, IntFunction<String> name) {
        if (scores == null || scores.length != expected) {
            throw new IllegalStateException("the scorer returned " + (scores == null ? "null" : scores.length
                    + " scores") + " for " + expected + " " + items + "; it must return one score per item");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) {
                throw new IllegalStateException("the scorer scored " + name.apply(i) + " " + scores[i]
                        + "; scores must be finite");
            }
        }
        return scores;
    }
}
