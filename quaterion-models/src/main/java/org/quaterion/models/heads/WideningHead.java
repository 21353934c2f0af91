package org.quaterion.models.heads;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * Widen then project back, as quaterion_models' {@code WideningHead}:
 * {@code Linear(in, int(in·expansion_factor)) → act → Linear(·, in)}. Output size equals input size.
 */
public final class WideningHead extends ProjectionStack {

    /** Registered type name. */
    public static final String TYPE = "widening";

    private final double expansionFactor;

    /**
     * Creates the head.
     *
     * @param inputSize input (and output) width
     * @param expansionFactor hidden width = {@code (int) (inputSize · expansionFactor)}, at least 1
     * @param activationFn activation name
     * @param dropout dropout on the head input in training
     */
    private WideningHead(int inputSize, double expansionFactor, String activationFn, double dropout) {
        super(inputSize, List.of(hidden(inputSize, expansionFactor), inputSize), activationFn, dropout);
        this.expansionFactor = expansionFactor;
    }

    /**
     * Creates a ReLU head with expansion 4 and no dropout (Quaterion's defaults).
     *
     * @param inputSize input (and output) width
     */
    public WideningHead(int inputSize) {
        this(inputSize, 4.0, "relu", 0.0);
    }

    private static int hidden(int inputSize, double expansionFactor) {
        double product = inputSize * expansionFactor;
        if (product > HeadLimits.MAX_WIDTH) {
            throw new IllegalArgumentException(TYPE + " head: expansion_factor " + expansionFactor + " gives a hidden "
                    + "width of " + product + ", above the bound of " + HeadLimits.MAX_WIDTH + " a head's widths may "
                    + "have");
        }
        int hidden = (int) product;
        if (hidden < 1) {
            throw new IllegalArgumentException("WideningHead: expansion_factor " + expansionFactor
                    + " gives a hidden width of " + hidden + "; use a factor with inputSize·factor >= 1");
        }
        return hidden;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    protected void addConfig(JsonObject json) {
        super.addConfig(json);
        json.addProperty("expansion_factor", expansionFactor);
    }

    /**
     * A builder that starts from Quaterion's defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link WideningHead}: each setting by name, Quaterion's defaults for the rest. */
    public static final class Builder extends HeadBuilder<WideningHead, Builder> {
        private double expansionFactor = 4.0;
        private String activationFn = "relu";

        private Builder() {}

        /**
         * Sets the width of the hidden layer over the input size (default 4.0).
         *
         * @param expansionFactor the value
         * @return this builder
         */
        public Builder optExpansionFactor(double expansionFactor) {
            this.expansionFactor = expansionFactor;
            return this;
        }

        /**
         * Sets the activation (default relu).
         *
         * @param activationFn the value
         * @return this builder
         */
        public Builder optActivationFn(String activationFn) {
            this.activationFn = activationFn;
            return this;
        }

        @Override
        public WideningHead build() {
            return new WideningHead(inputSize(), expansionFactor, activationFn, dropout());
        }
    }
}
