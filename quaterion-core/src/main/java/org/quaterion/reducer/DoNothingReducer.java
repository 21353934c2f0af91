package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/**
 * No reduction (PML's {@code DoNothingReducer}): the loss returns its unreduced losses, the existing ones flattened in
 * row-major order (PML's order of pairs and triplets), for inspection or a reduction of one's own. The value is then
 * not a scalar, so a trainer cannot use it. A loss of several parts (a contrastive loss's positive and negative
 * pairs) is refused: one array cannot hold both; reduce the parts with {@code multiple} instead.
 */
public final class DoNothingReducer implements TermsReducer, Configurable {

    /** The declaration: no settings. */
    public static final ComponentSpec<DoNothingReducer> SPEC = ComponentSpec.of("do_nothing", DoNothingReducer.class,
            s -> new DoNothingReducer());

    /** Creates the reducer. */
    public DoNothingReducer() {}

    @Override
    public boolean toScalar() {
        return false;
    }

    @Override
    public void checkParts(java.util.List<String> parts, String who) {
        if (parts.size() > 1) {
            throw new IllegalArgumentException("do_nothing returns one array of losses but " + who + " has the parts "
                    + parts + "; use multiple with a reducer per part");
        }
    }

    /**
     * The existing losses themselves.
     *
     * @param terms the losses
     * @param zero not used
     * @return a 1-D array of the existing losses
     */
    @Override
    public NDArray reduce(Terms terms, NDArray zero) {
        return terms.existing();
    }

    @Override
    public Settings settings() {
        return SPEC.read(null);
    }
}
