package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.quaterion.models.tensor.Scalars;

/**
 * Exact row-wise top-k (largest) of a wide score block, faster than one {@code topK} over every column when
 * {@code k} is much smaller than the width: split each row into c-column chunks (strided: chunk j holds columns j, j + n/c, …), keep the k chunks with
 * the largest maxima, and take the top k of their {@code k·c} entries. Exact: an entry outside the k best chunks has
 * k chunk maxima at least as large, so it cannot beat all of them (ties may be ordered differently).
 */
final class ChunkedTopK {

    private ChunkedTopK() {}

    /**
     * The chunk width for a block width and k: the power of two nearest below {@code sqrt(width / k)} (balancing the
     * top-k over chunk maxima against the top-k over candidates), at most 64, with at least 2k chunks; below 4 a
     * plain topK is cheaper and 1 is returned.
     */
    static int chunkWidth(long width, int k) {
        int c = 1;
        while (c < 64 && (long) (2 * c) * (2 * c) * k <= width && width / (2L * c) >= 2L * k) {
            c *= 2;
        }
        return c < 4 ? 1 : c;
    }

    /**
     * Top k of each row.
     *
     * @param scores {@code (b, n)}, larger = better
     * @param k at most n
     * @return values {@code (b, k)} descending and their column indices (int64)
     */
    static NDList topK(NDArray scores, int k) {
        long b = scores.getShape().get(0);
        long n = scores.getShape().get(1);
        int c = chunkWidth(n, k);
        if (c < 4) {
            NDList top = scores.topK(k, 1, true, true);
            return new NDList(top.get(0), top.get(1).toType(DataType.INT64, false));
        }
        NDManager manager = scores.getManager();
        long stride = (n + c - 1) / c;
        NDArray padded = scores;
        if (stride * c != n) {
            NDArray fill = manager.full(new Shape(b, stride * c - n), Float.NEGATIVE_INFINITY, scores.getDataType());
            padded = NDArrays.concat(new NDList(scores, fill), 1);
        }
        // chunk j = columns {j, j + stride, …, j + (c − 1)·stride}: its maxima by c − 1 element-wise maximums
        NDArray slices = padded.reshape(b, c, stride);
        NDArray maxima = slices.get(":, 0, :");
        for (int i = 1; i < c; i++) {
            maxima = maxima.maximum(slices.get(":, " + i + ", :"));
        }
        NDArray best = maxima.topK(k, 1, true, false).get(1).toType(DataType.INT64, false);
        NDArray columns = best.expandDims(2)
                .add(Scalars.mul(manager.arange(0L, (long) c, 1L, DataType.INT64), stride).reshape(1, 1, c))
                .reshape(b, (long) k * c);
        NDList top = padded.gather(columns, 1).topK(k, 1, true, true);
        NDArray picked = columns.gather(top.get(1).toType(DataType.INT64, false), 1);
        return new NDList(top.get(0), picked);
    }
}
