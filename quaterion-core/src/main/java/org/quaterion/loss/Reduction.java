package org.quaterion.loss;

/**
 * How a loss turns what it computes into its scalar, declared by the loss (PML's reduction types): per-element
 * losses reduced by the loss's {@link org.quaterion.reducer.Reducer}, or a value the loss already reduced as its
 * reference defines (PML's {@code "already_reduced"}).
 */
public enum Reduction {

    /**
     * The loss returns per-element losses ({@link LossTerms#of}, {@link LossTerms#masked}) that its reducer turns
     * into the scalar; the reducer can be chosen (mean, sum, average over non-zero, threshold).
     */
    REDUCER,

    /**
     * The loss returns the scalar its reference defines ({@link LossTerms#alreadyReduced}); it has no reducer and
     * refuses one, since a reducer could not change its value.
     */
    ALREADY_REDUCED
}
