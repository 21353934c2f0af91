package org.quaterion.loss;

import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;

/**
 * The builder settings shared by {@link ArcFaceLoss} and {@link SubCenterArcFaceLoss}: the logit scale and the
 * additive angular margin, in radians or in PML's degrees.
 *
 * @param <L> the loss
 * @param <B> the concrete builder
 */
abstract class AdditiveMarginBuilder<L extends ClassWeightLoss, B extends AdditiveMarginBuilder<L, B>>
        extends ClassWeightLoss.Builder<L, B> {

    private final Setting<Double> scale;
    private final Setting<Double> margin;

    /**
     * Creates a builder.
     *
     * @param spec the loss's declaration
     * @param scale its scale setting
     * @param margin its margin setting, in radians
     */
    AdditiveMarginBuilder(ComponentSpec<L> spec, Setting<Double> scale, Setting<Double> margin) {
        super(spec);
        this.scale = scale;
        this.margin = margin;
    }

    /**
     * Sets the logit scale s.
     *
     * @param scale the value
     * @return this builder
     */
    public final B optScale(double scale) {
        return set(this.scale, scale);
    }

    /**
     * Sets the angular margin m in radians.
     *
     * @param margin the value
     * @return this builder
     */
    public final B optMargin(double margin) {
        return set(this.margin, margin);
    }

    /**
     * Sets the angular margin in degrees, PML's unit (PML's default 28.6).
     *
     * @param marginDegrees m in degrees
     * @return this builder
     */
    public final B optMarginDegrees(double marginDegrees) {
        return optMargin(Math.toRadians(marginDegrees));
    }
}
