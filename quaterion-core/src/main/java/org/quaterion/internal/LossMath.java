package org.quaterion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.quaterion.models.tensor.Scalars;

/** Numerically careful building blocks shared by the losses: masked log-sum-exp, softplus, picking entries. */
public final class LossMath {

    private LossMath() {}

    /**
     * A large finite negative value for the array's type (masked entries of a log-sum-exp).
     *
     * @param like an array of the target type
     * @return the fill value
     */
    public static double veryNegative(NDArray like) {
        return like.getDataType() == DataType.FLOAT64 ? -1e300 : like.getDataType() == DataType.FLOAT16 ? -6e4
                : -3e38;
    }

    /**
     * {@code log Σ_{j: mask_ij} exp(x_ij)} along {@code axis}, optionally with an extra {@code exp(0)} term
     * ({@code addOne}: {@code log(1 + Σ …)}), max-shifted; 0 where the mask selects nothing (PML's
     * {@code lmu.logsumexp}). Never NaN, with a zero gradient for masked entries.
     *
     * @param x values
     * @param mask boolean mask of the same shape, or null for all
     * @param addOne whether to include a zero logit
     * @param axis the reduced axis (0 or 1)
     * @return the reduced values (axis removed)
     */
    public static NDArray logSumExp(NDArray x, NDArray mask, boolean addOne, int axis) {
        NDArray filled = mask == null ? x : NDArrays.where(mask, x, Scalars.of(x, veryNegative(x)));
        NDArray out;
        if (addOne) {
            // log(1 + Σ e^x) = −logSoftmax([x, 0])[zero column]: libtorch's fused, max-shifted kernel in one call
            long rows = x.getShape().get(1 - axis);
            Shape one = axis == 0 ? new Shape(1, rows) : new Shape(rows, 1);
            NDArray withZero = NDArrays.concat(new NDList(filled, x.getManager().zeros(one, x.getDataType())), axis);
            long last = x.getShape().get(axis);
            out = withZero.logSoftmax(axis).get(axis == 0 ? new NDIndex("{}, :", last) : new NDIndex(":, {}", last))
                    .neg();
        } else {
            NDArray max = filled.max(new int[] {axis}, true).stopGradient();
            out = filled.sub(max).exp().sum(new int[] {axis}, true).log().add(max).squeeze(axis);
        }
        if (mask == null) {
            return out;
        }
        NDArray any = mask.toType(DataType.INT32, false).sum(new int[] {axis}).gt(0);
        return NDArrays.where(any, out, out.zerosLike());
    }

    /**
     * {@code log(1 + exp(x))} as {@code torch.nn.functional.softplus} computes it (threshold 20: x above it is
     * returned as is).
     *
     * @param x values
     * @return softplus of x
     */
    public static NDArray softplus(NDArray x) {
        NDArray big = x.gt(20);
        NDArray safe = NDArrays.where(big, x.zerosLike(), x);
        return NDArrays.where(big, x, safe.exp().add(1).log());
    }

    /**
     * {@code log(1 + exp(x)) = max(x, 0) + log(1 + exp(−|x|))}, exact for every x.
     *
     * @param x values
     * @return softplus of x
     */
    public static NDArray softplusExact(NDArray x) {
        return Scalars.max(x, 0).add(x.abs().neg().exp().add(1).log());
    }

    /**
     * {@code mat[rows_k, cols_k]} for index vectors, differentiable with respect to {@code mat}.
     *
     * @param mat an {@code (n, m)} matrix
     * @param rows INT64 row indices
     * @param cols INT64 column indices
     * @return the picked entries
     */
    public static NDArray pick(NDArray mat, NDArray rows, NDArray cols) {
        long m = mat.getShape().get(1);
        return mat.reshape(-1).get(Scalars.mul(rows, m).add(cols));
    }

    /**
     * Mean cross-entropy-style negative log-likelihood per row: {@code −log_softmax(logits)[i, target_i]}.
     *
     * @param logits {@code (n, c)}
     * @param targets {@code (n)} INT64 class indices
     * @return {@code (n)} per-row losses
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        NDArray logp = logits.logSoftmax(1);
        NDArray oneHot = targets.oneHot((int) logits.getShape().get(1)).toType(logits.getDataType(), false);
        return logp.mul(oneHot).sum(new int[] {1}).neg();
    }
}
