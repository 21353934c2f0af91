package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/** The mean over all losses, zeros included (PML {@code MeanReducer}). */
public final class MeanReducer implements Reducer, Configurable {

    /** The declaration: no settings. */
    public static final ComponentSpec<MeanReducer> SPEC = ComponentSpec.of("mean", MeanReducer.class,
            s -> new MeanReducer());

    /** Creates the reducer. */
    public MeanReducer() {}

    @Override
    public NDArray keep(NDArray losses) {
        return null;
    }

    @Override
    public Settings settings() {
        return SPEC.read(null);
    }
}
