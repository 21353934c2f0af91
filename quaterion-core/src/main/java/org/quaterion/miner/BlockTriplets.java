package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.internal.PairBlocks;

/**
 * Collects the triplets of the miners that walk (positive pair) × reference in {@link PairBlocks}: each block
 * contributes the (pair, reference) entries its boolean {@code (block, m)} mask keeps, in (a, p, n) order.
 */
final class BlockTriplets {

    private final List<IndexTuples.Triplets> parts = new ArrayList<>();

    /**
     * Keeps the triplets of one block; they outlive the block's scope.
     *
     * @param a the block's anchors
     * @param p the block's positives
     * @param keep {@code (block, m)}: which references are the negatives of each pair
     */
    void add(NDArray a, NDArray p, NDArray keep) {
        NDArray found = keep.nonzero();
        if (found.getShape().get(0) > 0) {
            NDArray pair = found.get(":, 0").toType(DataType.INT64, false);
            IndexTuples.Triplets part = new IndexTuples.Triplets(a.get(pair), p.get(pair),
                    found.get(":, 1").toType(DataType.INT64, false));
            PairBlocks.survive(part.a(), part.p(), part.n());
            parts.add(part);
        }
    }

    /**
     * All collected triplets.
     *
     * @param like an array whose manager owns the empty result
     * @return the triplets, empty when no block kept any
     */
    IndexTuples.Triplets result(NDArray like) {
        if (parts.isEmpty()) {
            NDArray empty = like.getManager().create(new long[0]);
            return new IndexTuples.Triplets(empty, empty, empty);
        }
        return IndexTuples.concat(parts);
    }
}
