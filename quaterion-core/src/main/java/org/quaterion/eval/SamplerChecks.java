package org.quaterion.eval;

import java.util.List;

/** The setting and input checks every {@link Sampler} makes, with one wording. */
final class SamplerChecks {

    private SamplerChecks() {}

    /**
     * Rejects a forward-pass batch size below 1.
     *
     * @param encodeBatchSize records per forward pass
     */
    static void encodeBatchSize(int encodeBatchSize) {
        if (encodeBatchSize < 1) {
            throw new IllegalArgumentException("encodeBatchSize must be >= 1, got " + encodeBatchSize);
        }
    }

    /**
     * Rejects a missing or empty evaluation dataset.
     *
     * @param dataset the samples
     * @param sampleKind what one sample is, for the message ({@code "group sample"}, {@code "pair sample"})
     */
    static void notEmpty(List<?> dataset, String sampleKind) {
        if (dataset == null || dataset.isEmpty()) {
            throw new IllegalArgumentException("the evaluation dataset is empty; give at least one " + sampleKind);
        }
    }
}
