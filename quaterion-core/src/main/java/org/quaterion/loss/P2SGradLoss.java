package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Settings;

/**
 * P2SGrad (Zhang et al., CVPR 2019, arXiv 1905.02479) as PML's {@code P2SGradLoss}: the mean squared error between
 * the cosines {@code cos(x_i, W_c)} (clamped to [−1, 1]) and the one-hot labels, over all {@code n·C} entries —
 * whose gradient is the paper's probability-to-similarity gradient. Already reduced (PML's {@code MSELoss}), no
 * reducer, no mined tuples (PML refuses them).
 *
 * <p>As in PML the class weights are used on the unit sphere: PML renormalises its weight in place on every call
 * (torch's {@code renorm}, i.e. {@code W / (‖W‖ + 1e-7)} per class) and takes the gradient at the renormalised
 * weights. Here the stored weights are left as they are and the same renormalised values enter the loss with an
 * identity gradient, so value and gradient equal PML's. Initial weights: uniform in [−1, 1], rows renormalised.
 */
public final class P2SGradLoss extends ClassWeightLoss {

    /** The declaration: registry name and settings. */
    public static final ComponentSpec<P2SGradLoss> SPEC = ComponentSpec.of("p2s_grad", P2SGradLoss.class,
            P2SGradLoss::new, NUM_CLASSES, EMBEDDING_SIZE);

    private P2SGradLoss(Settings settings) {
        super(settings, "class_weights", (manager, shape, dataType) -> renormalized(manager.randomUniform(-1, 1,
                shape, DataType.FLOAT64)).toType(dataType, false));
    }

    /**
     * As its reference, this loss defines its own reduction (the mean over all {@code n·C} entries).
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /**
     * PML's P2SGradLoss refuses mined tuples.
     *
     * @return false
     */
    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "P2SGrad compares every sample with every class (PML: indices_tuple_not_supported)";
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray weights) {
        NDArray unit = weights.add(renormalized(weights.stopGradient()).sub(weights.stopGradient()));
        NDArray cos = in.embeddings().normalize(2, 1, 1e-12).matMul(unit.transpose()).clip(-1, 1);
        return LossTerms.alreadyReduced(cos.sub(targets(in, cos)).square().mean());
    }

    /** torch's {@code renorm(2, ·, 1e-5) · 1e5} on rows: {@code W / (‖W‖ + 1e-7)} for rows of norm above 1e-5. */
    private static NDArray renormalized(NDArray rows) {
        NDArray norms = rows.norm(2, new int[] {1}, true);
        NDArray large = norms.gt(1e-5).broadcast(rows.getShape());
        return NDArrays.where(large, rows.div(norms.add(1e-7)), Scalars.mul(rows, 1e5));
    }

    /**
     * A builder; the sizes are required, there are no other settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link P2SGradLoss}. */
    public static final class Builder extends ClassWeightLoss.Builder<P2SGradLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
