package org.quaterion.loss;

import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Settings;

/** Base of the regularizers without settings: their settings are their declaration's (empty) defaults. */
abstract class SettinglessRegularizer implements Regularizer {

    private final ComponentSpec<?> spec;

    /**
     * Creates the regularizer.
     *
     * @param spec its declaration (a registry name, no settings)
     */
    SettinglessRegularizer(ComponentSpec<?> spec) {
        this.spec = spec;
    }

    @Override
    public final Settings settings() {
        return spec.read(null);
    }

    @Override
    public String toString() {
        return name();
    }
}
