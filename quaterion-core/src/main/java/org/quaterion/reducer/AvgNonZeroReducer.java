package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/**
 * The mean over strictly positive losses (PML {@code AvgNonZeroReducer} = {@code ThresholdReducer(low=0)}):
 * satisfied constraints leave the denominator, so the loss does not shrink merely because easy tuples dominate.
 */
public final class AvgNonZeroReducer implements Reducer, Configurable {

    /** The declaration: no settings. */
    public static final ComponentSpec<AvgNonZeroReducer> SPEC = ComponentSpec.of("avg_non_zero",
            AvgNonZeroReducer.class, s -> new AvgNonZeroReducer());

    /** Creates the reducer. */
    public AvgNonZeroReducer() {}

    @Override
    public NDArray keep(NDArray losses) {
        return losses.gt(0.0);
    }

    @Override
    public Settings settings() {
        return SPEC.read(null);
    }
}
