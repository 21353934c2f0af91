package org.quaterion.registry;

import com.google.gson.JsonObject;
import org.quaterion.settings.ComponentSpec;

/**
 * Builds one type of component (a loss, a miner, a reducer, a distance) from its config. A component with declared
 * settings needs no factory of its own: {@link #of(ComponentSpec, Class)} derives one from its
 * {@link ComponentSpec}. Register custom ones with {@link ComponentRegistry#register} or list them in
 * {@code META-INF/services/org.quaterion.registry.ComponentFactory}.
 *
 * @param <C> the component type
 */
public interface ComponentFactory<C> {

    /**
     * The factory of a declared component.
     *
     * @param spec the component's declaration
     * @param kind its kind ({@code SimilarityLoss.class}, {@code Miner.class}, {@code Reducer.class},
     *     {@code Distance.class})
     * @param <K> the kind
     * @return the factory
     */
    static <K> ComponentFactory<K> of(ComponentSpec<? extends K> spec, Class<K> kind) {
        return new SpecFactory<>(spec, kind);
    }

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
     * The kind of component: {@code SimilarityLoss.class}, {@code Miner.class}, {@code Reducer.class} or
     * {@code Distance.class}.
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

    /**
     * The declaration behind this factory, for the docs table.
     *
     * @return the spec, or null for a factory written by hand
     */
    default ComponentSpec<? extends C> spec() {
        return null;
    }
}
