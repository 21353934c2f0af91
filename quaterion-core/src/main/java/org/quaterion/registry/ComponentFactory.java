package org.quaterion.registry;

import com.google.gson.JsonObject;

/**
 * Builds one type of component (a loss, a miner) from its config. Register custom ones with
 * {@link ComponentRegistry#register} or list them in {@code META-INF/services/org.quaterion.registry.ComponentFactory}.
 *
 * @param <C> the component type
 */
public interface ComponentFactory<C> {

    /**
     * The type name in configs, e.g. {@code "triplet_margin"}.
     *
     * @return the name
     */
    String typeName();

    /**
     * The component class this factory builds; {@link ComponentRegistry#describe} finds the type name by it.
     *
     * @return the class
     */
    Class<? extends C> type();

    /**
     * The kind of component: {@code Loss.class} ({@code SimilarityLoss}) or {@code Miner.class}.
     *
     * @return the interface
     */
    Class<C> kind();

    /**
     * Builds the component from the config its {@code config()} returns.
     *
     * @param config the config
     * @return a new component
     */
    C create(JsonObject config);

    /**
     * The config of the component with its reference-library defaults, which named settings override (see
     * {@link ComponentRegistry#loss(String, JsonObject)}); keys without a default (a class count) are absent.
     *
     * @return the default config, or null when every setting must be given
     */
    default JsonObject defaultConfig() {
        return null;
    }
}
