package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;

/**
 * pytorch-metric-learning's {@code CenterInvariantRegularizer} (Wu et al., "Deep Face Recognition with Center
 * Invariant Loss", 2017): with {@code s_i = ‖row_i‖²}, the mean over rows of {@code (s_i − mean(s))² / 4}, which
 * pulls the class weights' norms together. Usually a weight regularizer; no settings.
 */
public final class CenterInvariantRegularizer extends SettinglessRegularizer {

    /** The declaration: registry name, no settings. */
    public static final ComponentSpec<CenterInvariantRegularizer> SPEC = ComponentSpec.of("center_invariant",
            CenterInvariantRegularizer.class, s -> new CenterInvariantRegularizer());

    /** Creates the regularizer. */
    public CenterInvariantRegularizer() {
        super(SPEC);
    }

    @Override
    public NDArray compute(NDArray rows) {
        NDArray squaredNorms = rows.square().sum(new int[] {1});
        return Scalars.div(squaredNorms.sub(squaredNorms.mean()).square(), 4).mean();
    }
}
