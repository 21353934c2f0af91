package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;

/**
 * What every miner starts from: the distance matrix of the (gradient-free) embeddings against the references, and
 * the positive and negative label masks (self pairs excluded for in-batch mining).
 *
 * @param distances {@code (n, m)} distances, no gradient
 * @param positives boolean positive mask
 * @param negatives boolean negative mask
 */
record MiningContext(NDArray distances, NDArray positives, NDArray negatives) {

    static MiningContext of(Distance distance, NDArray embeddings, NDArray labels, NDArray refEmbeddings,
            NDArray refLabels) {
        boolean selfRef = refEmbeddings == embeddings;
        NDArray e = embeddings.stopGradient();
        NDArray mat = distance.matrix(e, selfRef ? e : refEmbeddings.stopGradient());
        return new MiningContext(mat, Masks.positives(labels, refLabels, selfRef),
                Masks.negatives(labels, refLabels));
    }
}
