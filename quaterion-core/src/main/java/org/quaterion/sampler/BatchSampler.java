package org.quaterion.sampler;

import java.util.List;

/**
 * Decides which dataset rows form each batch of an epoch (PyTorch's {@code batch_sampler}). Deterministic: the same
 * epoch number gives the same batches, which is what makes a resumed run reproduce an uninterrupted one.
 */
public interface BatchSampler {

    /**
     * The batches of one epoch.
     *
     * @param epoch the epoch number (0-based)
     * @return row indices per batch
     */
    List<int[]> batches(int epoch);

    /**
     * The number of batches per epoch.
     *
     * @return the count
     */
    int batchesPerEpoch();
}
