package org.quaterion.train;

import org.quaterion.cache.EncoderCache;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.SimilarityDataLoader;

/**
 * Where the cached embedding of every dataset row of one loader sits in one encoder's cache (an encoder keyed by
 * dataset row, not by a key extractor). Resolved once after the fill, so each step turns its batch into positions
 * with integer arithmetic and gathers the embeddings in one indexing op, instead of building and hashing a key per
 * record. Also names the row keys the fill stores, so both sides agree on them.
 */
final class RowPositions {

    /** Group rows: {@code [variant][row]} (one variant when not augmented); pair rows: {@code [0]} a, {@code [1]} b. */
    private final int[][] rows;
    /** Pair rows: the positions of each pair's explicit negatives; null for group rows. */
    private final int[][] negatives;
    /** The loader's augmentation, or null. */
    private final SimilarityDataLoader.AugmentationSpec augmentation;

    private RowPositions(int[][] rows, int[][] negatives, SimilarityDataLoader.AugmentationSpec augmentation) {
        this.rows = rows;
        this.negatives = negatives;
        this.augmentation = augmentation;
    }

    /** The key of a group row's record. */
    static String rowKey(String split, int row) {
        return split + ":" + row;
    }

    /** The key of augmented variant {@code variant} of a group row's record. */
    static String variantKey(String split, int row, int variant) {
        return split + ":" + row + ":aug" + variant;
    }

    /** The key of one side ({@code 'a'} or {@code 'b'}) of a pair row. */
    static String sideKey(String split, int row, char side) {
        return split + ":" + row + ":" + side;
    }

    /**
     * The positions of a group loader's rows.
     *
     * @param cache the encoder's cache
     * @param split the split's name in keys
     * @param count the number of rows
     * @param augmentation the loader's augmentation, or null
     * @param variants cached variants per row (0 without augmentation)
     */
    static RowPositions ofGroups(EncoderCache cache, String split, int count,
            SimilarityDataLoader.AugmentationSpec augmentation, int variants) {
        int[][] rows = new int[Math.max(1, variants)][count];
        for (int row = 0; row < count; row++) {
            if (variants == 0) {
                rows[0][row] = cache.position(rowKey(split, row));
            }
            for (int j = 0; j < variants; j++) {
                rows[j][row] = cache.position(variantKey(split, row, j));
            }
        }
        return new RowPositions(rows, null, augmentation);
    }

    /**
     * The positions of a pair loader's rows.
     *
     * @param cache the encoder's cache
     * @param split the split's name in keys
     * @param negativeKeys per row, the content keys of its explicit negatives
     */
    static RowPositions ofPairs(EncoderCache cache, String split, String[][] negativeKeys) {
        int count = negativeKeys.length;
        int[][] rows = new int[2][count];
        int[][] negatives = new int[count][];
        for (int row = 0; row < count; row++) {
            rows[0][row] = cache.position(sideKey(split, row, 'a'));
            rows[1][row] = cache.position(sideKey(split, row, 'b'));
            negatives[row] = new int[negativeKeys[row].length];
            for (int j = 0; j < negatives[row].length; j++) {
                negatives[row][j] = cache.position(negativeKeys[row][j]);
            }
        }
        return new RowPositions(rows, negatives, null);
    }

    /**
     * A batch's positions in the order of its embeddings: one per record of a group batch (record {@code k} is view
     * {@code k % views} of its row; epoch {@code e}, view {@code v} reads variant {@code (e · views + v + seed) mod
     * variants}); for a pair batch the "a" sides, the "b" sides, then each pair's explicit negatives.
     *
     * @param batch the batch
     * @param epoch the 0-based epoch
     * @return the positions
     */
    long[] of(Batch<?> batch, int epoch) {
        int[] batchRows = batch.rows();
        if (negatives == null) {
            long[] out = new long[batchRows.length];
            if (augmentation == null) {
                for (int k = 0; k < out.length; k++) {
                    out[k] = rows[0][batchRows[k]];
                }
                return out;
            }
            int views = augmentation.views();
            for (int k = 0; k < out.length; k++) {
                int variant = (int) Math.floorMod((long) epoch * views + k % views + augmentation.seed(),
                        (long) rows.length);
                out[k] = rows[variant][batchRows[k]];
            }
            return out;
        }
        int n = batchRows.length;
        int total = 2 * n;
        for (int row : batchRows) {
            total += negatives[row].length;
        }
        long[] out = new long[total];
        int k = 2 * n;
        for (int i = 0; i < n; i++) {
            out[i] = rows[0][batchRows[i]];
            out[n + i] = rows[1][batchRows[i]];
            for (int p : negatives[batchRows[i]]) {
                out[k++] = p;
            }
        }
        return out;
    }
}
