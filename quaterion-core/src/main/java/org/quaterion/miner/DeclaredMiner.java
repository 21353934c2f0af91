package org.quaterion.miner;

import org.quaterion.distance.Distance;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;
import org.quaterion.settings.SettingsBuilder;

/** Base of the built-in miners: made from declared settings, which {@link #config()} writes. */
public abstract class DeclaredMiner implements Miner, Configurable {

    private final Settings settings;

    /**
     * Creates the miner.
     *
     * @param settings its validated settings
     */
    protected DeclaredMiner(Settings settings) {
        this.settings = settings;
    }

    @Override
    public final Settings settings() {
        return settings;
    }

    /**
     * Base of the miner builders: each setter is one line over a declared setting; {@link #optDistance} is common.
     *
     * @param <M> the miner
     * @param <B> the concrete builder
     */
    public abstract static class Builder<M extends DeclaredMiner, B extends Builder<M, B>>
            extends SettingsBuilder<M, B> {

        /**
         * Creates a builder with the declared defaults.
         *
         * @param spec the miner's declaration
         */
        protected Builder(ComponentSpec<M> spec) {
            super(spec);
        }

        /**
         * Sets the distance to mine with.
         *
         * @param distance the distance, or null for the default
         * @return this builder
         */
        public final B optDistance(Distance distance) {
            return set("distance", distance, "optDistance");
        }
    }
}
