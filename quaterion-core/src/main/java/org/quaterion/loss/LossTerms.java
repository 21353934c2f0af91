package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.quaterion.reducer.Reducer;

/**
 * What a {@link GroupLoss} computes before reduction, as PML's loss dictionaries: per-element losses (one per
 * anchor, pair or triplet), optionally with a mask of the ones that exist, which the loss's {@link Reducer} turns
 * into the scalar; or a value that is already reduced (a loss without a reducer, or the blocked triplet machinery
 * that reduces as it goes so that B³ terms never exist at once). Several parts (PML's {@code pos_loss} and
 * {@code neg_loss}) are reduced separately and added.
 */
public final class LossTerms {

    private final NDArray losses;
    private final NDArray mask;
    private final boolean reduced;
    private final List<LossTerms> parts;

    private LossTerms(NDArray losses, NDArray mask, boolean reduced, List<LossTerms> parts) {
        this.losses = losses;
        this.mask = mask;
        this.reduced = reduced;
        this.parts = parts;
    }

    /**
     * Per-element losses, all of which count.
     *
     * @param losses any shape
     * @return the terms
     */
    public static LossTerms of(NDArray losses) {
        return new LossTerms(losses, null, false, List.of());
    }

    /**
     * Per-element losses of which only the masked ones exist (e.g. the positive pairs of a distance matrix).
     *
     * @param losses any shape
     * @param mask boolean, the shape of {@code losses}
     * @return the terms
     */
    public static LossTerms masked(NDArray losses, NDArray mask) {
        return new LossTerms(losses, mask, false, List.of());
    }

    /**
     * A scalar that is already the loss (for losses whose reference defines its own reduction, or that reduced
     * with their reducer while computing).
     *
     * @param value the scalar
     * @return the terms
     */
    public static LossTerms reduced(NDArray value) {
        return new LossTerms(value, null, true, List.of());
    }

    /**
     * Parts reduced separately and added (PML reduces a contrastive loss's positive and negative parts apart).
     *
     * @param parts the parts
     * @return the terms
     */
    public static LossTerms sum(LossTerms... parts) {
        return new LossTerms(null, null, false, List.of(parts));
    }

    /**
     * Reduces the terms to the scalar loss.
     *
     * @param reducer the loss's reducer, or null when it has none
     * @param zero the graph-connected zero returned when nothing counts
     * @param who the loss, for the message
     * @return the scalar
     */
    NDArray reduce(Reducer reducer, NDArray zero, String who) {
        if (!parts.isEmpty()) {
            NDArray total = null;
            for (LossTerms part : parts) {
                NDArray v = part.reduce(reducer, zero, who);
                total = total == null ? v : total.add(v);
            }
            return total;
        }
        if (reduced) {
            return losses;
        }
        if (reducer == null) {
            throw new IllegalStateException(who + " returned unreduced losses but has no reducer; give it a "
                    + "reducer (defaultReducer) or return LossTerms.reduced");
        }
        return mask == null ? reducer.reduce(losses, zero) : reducer.reduce(losses, mask, zero);
    }
}
