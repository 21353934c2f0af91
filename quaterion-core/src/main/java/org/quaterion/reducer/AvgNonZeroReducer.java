package org.quaterion.reducer;

/**
 * The mean over strictly positive losses (PML {@code AvgNonZeroReducer} = {@code ThresholdReducer(low=0)}):
 * satisfied constraints leave the denominator, so the loss does not shrink merely because easy tuples dominate.
 */
public final class AvgNonZeroReducer extends ThresholdReducer {

    /** Creates the reducer. */
    public AvgNonZeroReducer() {
        super(0.0, null);
    }

    @Override
    public String name() {
        return "avg_non_zero";
    }
}
