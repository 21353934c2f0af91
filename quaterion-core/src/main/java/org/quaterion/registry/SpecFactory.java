package org.quaterion.registry;

import com.google.gson.JsonObject;
import org.quaterion.settings.ComponentSpec;

/** A {@link ComponentFactory} derived from a declaration: strict reading, declared defaults. */
final class SpecFactory<K> implements ComponentFactory<K> {

    private final ComponentSpec<? extends K> spec;
    private final Class<K> kind;

    SpecFactory(ComponentSpec<? extends K> spec, Class<K> kind) {
        this.spec = spec;
        this.kind = kind;
    }

    @Override
    public String typeName() {
        return spec.name();
    }

    @Override
    public Class<? extends K> type() {
        return spec.type();
    }

    @Override
    public Class<K> kind() {
        return kind;
    }

    @Override
    public K create(JsonObject config) {
        return spec.create(config);
    }

    @Override
    public JsonObject defaultConfig() {
        return spec.defaultConfig();
    }

    @Override
    public ComponentSpec<? extends K> spec() {
        return spec;
    }
}
