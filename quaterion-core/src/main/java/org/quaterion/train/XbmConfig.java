package org.quaterion.train;

/**
 * Cross-batch memory (Wang et al., arXiv 1912.06798; Quaterion's {@code XbmConfig}): after
 * {@code startIteration} training steps, the loss adds {@code weight ×} the loss of the batch against the last
 * {@code bufferSize} detached embeddings.
 *
 * @param weight weight of the memory loss, positive
 * @param bufferSize embeddings kept, at least 1
 * @param startIteration training steps before the memory loss starts, at least 0
 */
public record XbmConfig(double weight, int bufferSize, long startIteration) {

    /** Validates the settings. */
    public XbmConfig {
        if (!(weight > 0) || bufferSize < 1 || startIteration < 0) {
            throw new IllegalArgumentException("XBM needs weight > 0, bufferSize >= 1 and startIteration >= 0; got "
                    + weight + ", " + bufferSize + ", " + startIteration);
        }
    }

    /**
     * Quaterion's defaults: weight 1, 10,000 embeddings, start after 1,000 steps.
     *
     * @return the config
     */
    public static XbmConfig defaults() {
        return new XbmConfig(1.0, 10_000, 1_000);
    }
}
