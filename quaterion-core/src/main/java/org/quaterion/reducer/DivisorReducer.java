package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/**
 * The sum of the losses over a divisor the loss states (PML's {@code DivisorReducer}); 0 (graph-connected) when the
 * divisor is 0. Only a loss that states its divisor can feed it, and it is the default of those: {@code MarginLoss}
 * (the non-zero positive and negative terms) and {@code ProxyAnchorLoss} (the classes with a positive; all classes).
 * A loss that states none is refused with a message.
 */
public final class DivisorReducer implements TermsReducer, Configurable {

    /** The declaration: no settings. */
    public static final ComponentSpec<DivisorReducer> SPEC = ComponentSpec.of("divisor", DivisorReducer.class,
            s -> new DivisorReducer());

    /** Creates the reducer. */
    public DivisorReducer() {}

    @Override
    public NDArray reduce(Terms terms, NDArray zero) {
        if (terms.divisor() == null) {
            throw new IllegalArgumentException(terms.source() + " does not state a divisor, which the divisor reducer "
                    + "divides its sum by (PML's MarginLoss and ProxyAnchorLoss do); use sum or mean with it");
        }
        NDArray losses = terms.losses();
        NDArray sum = terms.mask() == null ? losses.sum()
                : NDArrays.where(terms.mask(), losses, Scalars.of(losses, 0)).sum();
        NDArray divisor = terms.divisor().toType(sum.getDataType(), false);
        NDArray nonZero = divisor.neq(0);
        return NDArrays.where(nonZero, sum.div(NDArrays.where(nonZero, divisor, divisor.onesLike())), zero);
    }

    @Override
    public Settings settings() {
        return SPEC.read(null);
    }
}
