package org.quaterion.settings;

/** A component made from declared settings: its config and its registry name come from them. */
public interface Configurable {

    /**
     * The component's settings (with its {@link ComponentSpec}).
     *
     * @return the settings
     */
    Settings settings();
}
