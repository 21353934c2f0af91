package org.quaterion.settings;

import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated values of a component's declared settings (defaults filled in). A component keeps its settings;
 * its {@code config()} is {@link #toJson()}.
 */
public final class Settings {

    private final ComponentSpec<?> spec;
    private final Map<Setting<?>, Object> values;

    private Settings(ComponentSpec<?> spec, Map<Setting<?>, Object> values) {
        this.spec = spec;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Validates values against a spec: every key declared, every value of the declared type and within its rule,
     * every required setting given.
     *
     * @param spec the component's declaration
     * @param given values by setting (settings left out keep their defaults)
     * @return the settings
     * @throws IllegalArgumentException naming the component, the setting, the rule and the fix
     */
    public static Settings of(ComponentSpec<?> spec, Map<Setting<?>, Object> given) {
        for (Setting<?> s : given.keySet()) {
            if (spec.setting(s.key()) != s) {
                throw undeclared(spec, s.key(), s.setterName());
            }
        }
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : spec.settings()) {
            if (!given.containsKey(s) && s.required()) {
                throw new IllegalArgumentException(spec.owner() + " needs " + s.key() + " (" + s.setterName()
                        + " in its builder, \"" + s.key() + "\" in a config): " + s.doc());
            }
            values.put(s, check(spec, s, given.containsKey(s) ? given.get(s) : s.defaultValue()));
        }
        return new Settings(spec, values);
    }

    /** The refusal of a setting the component does not declare, with its settings and the fix. */
    static IllegalArgumentException undeclared(ComponentSpec<?> spec, String key, String setter) {
        return new IllegalArgumentException(spec.owner() + " has no " + key + " setting (its settings are "
                + spec.keys() + "); remove " + setter);
    }

    private static <T> T check(ComponentSpec<?> spec, Setting<T> s, Object value) {
        if (value != null && !s.valueType().isInstance(value)) {
            throw new IllegalArgumentException(spec.owner() + " setting " + s.key() + " must be a " + s.typeName()
                    + ", got " + value);
        }
        T typed = s.valueType().cast(value);
        boolean nullable = !s.required() && s.defaultValue() == null; // an optional value whose default is none
        if (typed == null ? !nullable : !s.accepts(typed)) {
            throw new IllegalArgumentException(spec.owner() + " needs " + s.rule() + ", got " + value);
        }
        return typed;
    }

    /**
     * The declaration these settings belong to.
     *
     * @return the spec
     */
    public ComponentSpec<?> spec() {
        return spec;
    }

    /**
     * The value of a setting.
     *
     * @param setting a setting of this spec
     * @param <T> the value type
     * @return the value
     * @throws IllegalArgumentException when the spec does not declare it
     */
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting)) {
            throw new IllegalArgumentException(spec.name() + " has no setting " + setting.key());
        }
        return setting.valueType().cast(values.get(setting));
    }

    /**
     * The value of a setting by key and type, or null when the spec has no such setting (how a base class reads
     * the distance or reducer that some subclasses declare).
     *
     * @param key the config key
     * @param type the value class
     * @param <T> the value type
     * @return the value or null
     */
    public <T> T find(String key, Class<T> type) {
        Setting<?> s = spec.setting(key);
        return s == null || !type.isAssignableFrom(s.valueType()) ? null : type.cast(values.get(s));
    }

    /**
     * These settings with one value changed, validated again.
     *
     * @param setting a setting of this spec
     * @param value the new value
     * @param <T> the value type
     * @return new settings
     */
    public <T> Settings with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> changed = new LinkedHashMap<>(values);
        changed.put(setting, value);
        return of(spec, changed);
    }

    /**
     * The config: every setting by its key, in declaration order.
     *
     * @return a new object
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        values.forEach((s, v) -> json.add(s.key(), write(s, v)));
        return json;
    }

    @SuppressWarnings("unchecked")
    private static <T> com.google.gson.JsonElement write(Setting<T> s, Object value) {
        return s.write((T) value); // value was checked against s.valueType() in of()
    }

    @Override
    public String toString() {
        return spec.name() + toJson();
    }
}
