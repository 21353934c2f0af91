package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;
import org.quaterion.settings.SettingsBuilder;

/**
 * The mean over losses with {@code low < loss < high} (either bound optional), PML {@code ThresholdReducer}; 0
 * (graph-connected) when none pass.
 */
public final class ThresholdReducer implements Reducer, Configurable {

    /** Exclusive lower bound. */
    public static final Setting<Double> LOW = Setting.optionalReal("low", "exclusive lower bound (null: none)");
    /** Exclusive upper bound. */
    public static final Setting<Double> HIGH = Setting.optionalReal("high", "exclusive upper bound (null: none)");
    /** The declaration. */
    public static final ComponentSpec<ThresholdReducer> SPEC = ComponentSpec.of("threshold", ThresholdReducer.class,
            ThresholdReducer::new, LOW, HIGH);

    private final Settings settings;
    private final Double low;
    private final Double high;

    private ThresholdReducer(Settings settings) {
        this.settings = settings;
        this.low = settings.get(LOW);
        this.high = settings.get(HIGH);
        if (low != null && high != null && !(low < high)) {
            throw new IllegalArgumentException("ThresholdReducer needs low < high, got " + low + " and " + high);
        }
    }

    /**
     * The reducer counting {@code low < loss < high}.
     *
     * @param low exclusive lower bound, or null for none
     * @param high exclusive upper bound, or null for none
     * @return the reducer
     */
    public static ThresholdReducer of(Double low, Double high) {
        return builder().optLow(low).optHigh(high).build();
    }

    @Override
    public NDArray keep(NDArray losses) {
        NDArray keep = null;
        if (low != null) {
            keep = losses.gt(low);
        }
        if (high != null) {
            NDArray below = losses.lt(high);
            keep = keep == null ? below : keep.logicalAnd(below);
        }
        return keep;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    /**
     * A builder without bounds.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ThresholdReducer}. */
    public static final class Builder extends SettingsBuilder<ThresholdReducer, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #LOW}.
         *
         * @param low the bound, or null for none
         * @return this builder
         */
        public Builder optLow(Double low) {
            return set(LOW, low);
        }

        /**
         * Sets {@link #HIGH}.
         *
         * @param high the bound, or null for none
         * @return this builder
         */
        public Builder optHigh(Double high) {
            return set(HIGH, high);
        }
    }
}
