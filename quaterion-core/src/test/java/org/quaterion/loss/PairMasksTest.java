package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.MultiSimilarityMiner;

/**
 * Pairs mined from masks carry them, and a loss uses them as they are (no scatter back from indices); pairs given by
 * indices alone still become the same masks.
 */
class PairMasksTest {

    @Test
    void minedMasksAreReusedAndIndicesRebuildTheSameMasks() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.randomNormal(new Shape(12, 4));
            NDArray labels = m.create(new long[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3});
            IndexTuples.Pairs mined = (IndexTuples.Pairs) MultiSimilarityMiner.builder().optEpsilon(0.1).build().mine(emb, labels);
            PairMasks reused = PairMasks.of(LossInputs.of(emb, labels, mined, null, null, "test"));
            assertSame(mined.positiveMask(), reused.positives());
            assertSame(mined.negativeMask(), reused.negatives());
            IndexTuples.Pairs indicesOnly = new IndexTuples.Pairs(mined.a1(), mined.p(), mined.a2(), mined.n());
            PairMasks rebuilt = PairMasks.of(LossInputs.of(emb, labels, indicesOnly, null, null, "test"));
            assertTrue(rebuilt.positives().eq(reused.positives()).all().getBoolean());
            assertTrue(rebuilt.negatives().eq(reused.negatives()).all().getBoolean());
        }
    }
}
