package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;

/**
 * The pairs of a loss call as index lists, PML's {@code convert_to_pairs}: every label pair when nothing was mined
 * (row-major, as {@code torch.where}), else the mined pairs with their repetitions (a triplet miner gives each
 * positive pair once per negative). Losses that average over pairs (not over a mask) need the repetitions to weigh
 * pairs as PML does; the counting helpers turn index lists into multiplicities without a per-element loop.
 */
final class PairLists {

    private PairLists() {}

    /**
     * PML's pairs of a call: the mined ones, else all label pairs.
     *
     * @param in the loss inputs
     * @return {@code (a1, p, a2, n)}
     */
    static IndexTuples.Pairs of(LossInputs in) {
        if (in.tuples() != null) {
            return in.tuples().toPairs();
        }
        PairMasks masks = PairMasks.of(in);
        return IndexTuples.pairsFromMasks(masks.positives(), masks.negatives());
    }

    /**
     * How often each index occurs in a list.
     *
     * @param indices INT64 indices in {@code [0, size)}, possibly repeated
     * @param size the number of slots
     * @param type the floating type of the result
     * @return {@code (size)} counts (0 where an index does not occur)
     */
    static NDArray counts(NDArray indices, long size, DataType type) {
        NDArray out = indices.getManager().zeros(new Shape(size), type);
        if (indices.size() == 0) {
            return out;
        }
        NDList unique = indices.unique(true, true, true); // values, inverse, counts
        return out.scatter(unique.get(0), unique.get(2).toType(type, false), 0);
    }

    /**
     * How often each (row, column) pair occurs in two parallel index lists, as an {@code (n, m)} matrix.
     *
     * @param rows INT64 row indices
     * @param cols INT64 column indices
     * @param n rows of the matrix
     * @param m columns of the matrix
     * @param type the floating type of the result
     * @return the multiplicities
     */
    static NDArray multiplicity(NDArray rows, NDArray cols, long n, long m, DataType type) {
        return counts(Scalars.mul(rows, m).add(cols), n * m, type).reshape(n, m);
    }
}
