package org.quaterion.loss.score;

/** The logarithm of the pairwise ranking losses' log-likelihoods (sentence-transformers' {@code reduction_log}). */
public enum LogBase {
    /** The natural logarithm. */
    NATURAL,
    /** The binary logarithm, sentence-transformers' default. */
    BINARY
}
