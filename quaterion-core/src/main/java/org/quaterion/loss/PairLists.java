package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.TermType;

/**
 * The pairs of a loss call as index lists, PML's {@code convert_to_pairs}: every label pair when nothing was mined
 * (row-major, as {@code torch.where}), else the mined pairs with their repetitions (a triplet miner gives each
 * positive pair once per negative). Losses that average over pairs (not over a mask) need the repetitions to weigh
 * pairs as PML does; the counting helpers turn index lists into multiplicities without a per-element loop.
 *
 * <p>PML's {@code GenericPairLoss} has two kinds of pair losses: those built on masks (a mined pair counts once:
 * MultiSimilarity, Circle, GeneralizedLiftedStructure, SupCon), which use {@link PairMasks}, and those built on the
 * index lists (a pair mined twice counts twice: Contrastive, NTXent, LiftedStructure, IntraPairVariance,
 * TupletMargin), which use these helpers when a miner supplied tuples and the label masks otherwise.
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

    /**
     * Pair losses of one kind as the reducer sees them: with mined tuples one term per listed pair, repetitions and
     * the miner's order kept (PML's index lists), each with its anchor row; without, the {@code (n, m)} matrix under
     * the label mask (no gather on the unmined path).
     *
     * @param in the loss inputs
     * @param part the part's name
     * @param type {@link TermType#POS_PAIR} (the positive pairs) or {@link TermType#NEG_PAIR} (the negative pairs)
     * @param losses {@code (n, m)} loss of every pair
     * @return the terms
     */
    static LossTerms terms(LossInputs in, String part, TermType type, NDArray losses) {
        boolean positive = type == TermType.POS_PAIR;
        if (in.tuples() == null) {
            NDArray mask = positive ? Masks.positives(in.labels(), in.refLabels(), in.selfRef())
                    : Masks.negatives(in.labels(), in.refLabels());
            return LossTerms.pairs(part, type, losses, mask, in.labels());
        }
        IndexTuples.Pairs pairs = in.tuples().toPairs();
        NDArray rows = positive ? pairs.a1() : pairs.a2();
        NDArray cols = positive ? pairs.p() : pairs.n();
        NDArray listed = rows.size() == 0 ? losses.getManager().zeros(new Shape(0), losses.getDataType())
                : LossMath.pick(losses, rows, cols);
        return LossTerms.pairList(part, type, listed, rows, cols, in.labels());
    }

    /**
     * The negative pairs of a call as row weights: the boolean label mask when nothing was mined, else how often each
     * pair is listed (so that a negative listed twice enters a sum twice, as in PML).
     *
     * @param in the loss inputs
     * @param like an {@code (n, m)} array of the floating type of the counts
     * @return boolean or floating {@code (n, m)}
     */
    static NDArray negativeWeights(LossInputs in, NDArray like) {
        if (in.tuples() == null) {
            return Masks.negatives(in.labels(), in.refLabels());
        }
        IndexTuples.Pairs pairs = in.tuples().toPairs();
        return multiplicity(pairs.a2(), pairs.n(), in.rows(), in.refRows(), like.getDataType());
    }

    /**
     * The log-sum-exp of each row over the listed pairs, each counted as often as it is listed:
     * {@code log Σ_j c_ij·exp(x_ij)} over {@code c_ij > 0}, as PML's sums over index lists with repeats.
     *
     * @param x {@code (n, m)} logits
     * @param count {@code (n, m)} multiplicities ({@link #multiplicity}), or a boolean mask (each pair once)
     * @return {@code (n)}; rows without a listed pair get {@link LossMath#logSumExp}'s value for an empty row
     */
    static NDArray logSumExpCounted(NDArray x, NDArray count) {
        if (count.getDataType() == DataType.BOOLEAN) {
            return LossMath.logSumExp(x, count, false, 1);
        }
        NDArray present = count.gt(0);
        NDArray logCount = NDArrays.where(present, count, count.onesLike()).log();
        return LossMath.logSumExp(x.add(logCount), present, false, 1);
    }

    /**
     * Whether each row has a listed pair.
     *
     * @param count {@code (n, m)} multiplicities, or a boolean mask
     * @return boolean {@code (n)}
     */
    static NDArray hasAny(NDArray count) {
        return Masks.rowCounts(count.getDataType() == DataType.BOOLEAN ? count : count.gt(0)).gt(0);
    }
}
