package org.quaterion.settings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of the builders of declared-settings components: typed one-line setters call {@link #set}; {@link #build()}
 * validates against the declaration (defaults, ranges, settings the component does not have) and makes it.
 *
 * @param <C> the component
 * @param <B> the concrete builder
 */
public abstract class SettingsBuilder<C, B extends SettingsBuilder<C, B>> {

    private final ComponentSpec<? extends C> spec;
    private final Map<Setting<?>, Object> values = new LinkedHashMap<>();

    /**
     * Creates a builder starting from the declared defaults.
     *
     * @param spec the component's declaration
     */
    protected SettingsBuilder(ComponentSpec<? extends C> spec) {
        this.spec = spec;
    }

    /**
     * Sets a setting.
     *
     * @param setting the setting
     * @param value its value (null: the default of a setting that has one)
     * @param <T> the value type
     * @return this builder
     */
    protected final <T> B set(Setting<T> setting, T value) {
        if (value == null && !setting.required() && setting.defaultValue() != null) {
            values.remove(setting);
        } else {
            values.put(setting, value);
        }
        return self();
    }

    /**
     * Sets a setting that some components of a family declare and others do not (the distance, the reducer).
     *
     * @param key the config key
     * @param value its value (null: the default)
     * @param setter the builder method, for the message
     * @return this builder
     * @throws IllegalArgumentException when the component does not declare it
     */
    protected final B set(String key, Object value, String setter) {
        Setting<?> s = spec.setting(key);
        if (s == null) {
            if (value == null) {
                return self();
            }
            throw Settings.undeclared(spec, key, setter);
        }
        if (value != null && !s.valueType().isInstance(value)) {
            throw new IllegalArgumentException(setter + " takes a " + s.typeName() + ", got " + value);
        }
        return setUnchecked(s, value);
    }

    private <T> B setUnchecked(Setting<T> setting, Object value) {
        return set(setting, setting.valueType().cast(value));
    }

    /**
     * Builds the component.
     *
     * @return the component
     * @throws IllegalArgumentException when a setting is out of range, missing or not declared by the component
     */
    public final C build() {
        return spec.create(Settings.of(spec, values));
    }

    /**
     * This builder, typed, for setters that return it.
     *
     * @return this
     */
    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this; // B is the concrete builder by construction (B extends SettingsBuilder<C, B>)
    }
}
