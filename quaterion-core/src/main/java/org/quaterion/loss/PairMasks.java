package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;

/**
 * The positive and negative pair masks a pair-based loss works on: all label pairs, or the mined pairs scattered
 * into {@code (n, m)} masks, where a pair listed twice is one entry: what PML's mask-based pair losses
 * (MultiSimilarity, Circle, GeneralizedLiftedStructure, SupCon) see. The losses PML builds on index lists take mined
 * pairs as listed instead ({@link PairLists}).
 *
 * @param positives boolean {@code (n, m)}
 * @param negatives boolean {@code (n, m)}
 */
public record PairMasks(NDArray positives, NDArray negatives) {

    /**
     * The masks for a loss call.
     *
     * @param in the loss inputs
     * @return all label pairs (self excluded) when nothing was mined, else the mined pairs
     */
    public static PairMasks of(LossInputs in) {
        if (in.tuples() == null) {
            return new PairMasks(Masks.positives(in.labels(), in.refLabels(), in.selfRef()),
                    Masks.negatives(in.labels(), in.refLabels()));
        }
        IndexTuples.Pairs pairs = in.tuples().toPairs();
        long n = in.rows();
        long m = in.refRows();
        if (pairs.positiveMask() != null && pairs.negativeMask() != null
                && pairs.positiveMask().getShape().equals(new Shape(n, m))
                && pairs.negativeMask().getShape().equals(new Shape(n, m))) {
            return new PairMasks(pairs.positiveMask(), pairs.negativeMask()); // mined from masks: no scatter back
        }
        return new PairMasks(Masks.fromIndices(in.labels().getManager(), n, m, pairs.a1(), pairs.p()),
                Masks.fromIndices(in.labels().getManager(), n, m, pairs.a2(), pairs.n()));
    }
}
