package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;

/**
 * pytorch-metric-learning's {@code RegularFaceRegularizer} (Zhao et al., "RegularFace", CVPR 2019): the mean over
 * rows of the largest cosine to another row, {@code mean_i max_{j≠i} cos(w_i, w_j)}, which spreads the class
 * weights apart (the gradient flows through the chosen pair only; ties take the first). Needs at least two rows:
 * with one there is no other class, and PML's value (the row's cosine with itself, 1) would be meaningless. No
 * settings.
 */
public final class RegularFaceRegularizer extends SettinglessRegularizer {

    /** The declaration: registry name, no settings. */
    public static final ComponentSpec<RegularFaceRegularizer> SPEC = ComponentSpec.of("regular_face",
            RegularFaceRegularizer.class, s -> new RegularFaceRegularizer());

    /** Creates the regularizer. */
    public RegularFaceRegularizer() {
        super(SPEC);
    }

    @Override
    public NDArray compute(NDArray rows) {
        long n = rows.getShape().get(0);
        if (n < 2) {
            throw new IllegalArgumentException("RegularFaceRegularizer needs at least 2 rows (classes) to compare, "
                    + "got " + n + "; use it on a weight matrix of 2 or more classes");
        }
        NDArray unit = rows.normalize(2, 1, 1e-12);
        NDArray cos = unit.matMul(unit.transpose());
        NDArray others = rows.getManager().eye((int) n).eq(0);
        NDArray nearest = NDArrays.where(others, cos, Scalars.of(cos, LossMath.veryNegative(cos))).stopGradient()
                .argMax(1);
        return LossMath.pick(cos, rows.getManager().arange(0, n, 1, DataType.INT64), nearest).mean();
    }

    @Override
    public void checkWeightRows(long rows, String owner) {
        if (rows < 2) {
            throw new IllegalArgumentException("RegularFaceRegularizer needs at least 2 classes; " + owner
                    + " has " + rows + " weight row(s)");
        }
    }
}
