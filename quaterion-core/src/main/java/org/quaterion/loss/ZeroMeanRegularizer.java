package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;

/**
 * pytorch-metric-learning's {@code ZeroMeanRegularizer}: the mean over rows of {@code |Σ_k row_ik|}, which pushes
 * each row's components to sum to zero. No settings.
 */
public final class ZeroMeanRegularizer extends SettinglessRegularizer {

    /** The declaration: registry name, no settings. */
    public static final ComponentSpec<ZeroMeanRegularizer> SPEC = ComponentSpec.of("zero_mean",
            ZeroMeanRegularizer.class, s -> new ZeroMeanRegularizer());

    /** Creates the regularizer. */
    public ZeroMeanRegularizer() {
        super(SPEC);
    }

    @Override
    public NDArray compute(NDArray rows) {
        return rows.sum(new int[] {1}).abs().mean();
    }
}
