package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/** The sum of all losses (PML {@code SumReducer}). */
public final class SumReducer implements Reducer, Configurable {

    /** The declaration: no settings. */
    public static final ComponentSpec<SumReducer> SPEC = ComponentSpec.of("sum", SumReducer.class,
            s -> new SumReducer());

    /** Creates the reducer. */
    public SumReducer() {}

    @Override
    public NDArray keep(NDArray losses) {
        return null;
    }

    @Override
    public NDArray finish(Aggregate total, NDArray zero) {
        return total == null || total.sum() == null ? zero : total.sum();
    }

    @Override
    public Settings settings() {
        return SPEC.read(null);
    }
}
