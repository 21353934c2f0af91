package org.quaterion.settings;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The declaration of a component: its registry name, its class, its settings and how it is made from their values.
 * The registry, the builders, {@code config()} and the docs table all read it.
 *
 * <pre>{@code
 * static final ComponentSpec<TripletLoss> SPEC = ComponentSpec.of("triplet", TripletLoss.class,
 *         TripletLoss::new, MARGIN, MINING, SMOOTH, DISTANCE);
 * }</pre>
 *
 * @param <C> the component class
 */
public final class ComponentSpec<C> {

    private final String name;
    private final Class<C> type;
    private final List<Setting<?>> settings;
    private final Function<Settings, ? extends C> factory;

    private ComponentSpec(String name, Class<C> type, Function<Settings, ? extends C> factory,
            List<Setting<?>> settings) {
        this.name = name;
        this.type = type;
        this.factory = factory;
        this.settings = List.copyOf(settings);
        Map<String, Setting<?>> seen = new LinkedHashMap<>();
        for (Setting<?> s : this.settings) {
            if (seen.put(s.key(), s) != null) {
                throw new IllegalArgumentException(name + " declares '" + s.key() + "' twice");
            }
        }
    }

    /**
     * Declares a component.
     *
     * @param name the registry type name, e.g. {@code "triplet_margin"}
     * @param type the component class
     * @param factory makes the component from validated settings
     * @param settings every setting, in the order docs list them
     * @param <C> the component class
     * @return the declaration
     */
    public static <C> ComponentSpec<C> of(String name, Class<C> type, Function<Settings, ? extends C> factory,
            Setting<?>... settings) {
        return new ComponentSpec<>(name, type, factory, List.of(settings));
    }

    /**
     * The registry type name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The component class.
     *
     * @return the class
     */
    public Class<C> type() {
        return type;
    }

    /**
     * The declared settings, in order.
     *
     * @return the settings
     */
    public List<Setting<?>> settings() {
        return settings;
    }

    /**
     * The declared setting of a key.
     *
     * @param key the config key
     * @return the setting, or null when none has that key
     */
    public Setting<?> setting(String key) {
        for (Setting<?> s : settings) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The config keys, in order.
     *
     * @return the keys
     */
    public List<String> keys() {
        return settings.stream().map(Setting::key).toList();
    }

    /**
     * The defaults, with the required settings absent.
     *
     * @return the config of the defaults
     */
    public JsonObject defaultConfig() {
        JsonObject json = new JsonObject();
        for (Setting<?> s : settings) {
            if (!s.required()) {
                json.add(s.key(), writeDefault(s));
            }
        }
        return json;
    }

    private static <T> JsonElement writeDefault(Setting<T> s) {
        return s.write(s.defaultValue());
    }

    /**
     * Reads settings from a config strictly: every key must be declared and of the declared type; keys left out
     * keep their defaults.
     *
     * @param config the config, or null for the defaults
     * @return the validated settings
     * @throws IllegalArgumentException naming the key and the valid ones
     */
    public Settings read(JsonObject config) {
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        if (config != null) {
            for (Map.Entry<String, JsonElement> e : config.entrySet()) {
                Setting<?> s = setting(e.getKey());
                if (s == null) {
                    throw new IllegalArgumentException(name + " has no setting '" + e.getKey()
                            + "'; its settings are " + keys());
                }
                try {
                    values.put(s, s.read(e.getValue()));
                } catch (RuntimeException bad) {
                    throw new IllegalArgumentException(name + " setting '" + e.getKey() + "' " + bad.getMessage(),
                            bad);
                }
            }
        }
        return Settings.of(this, values);
    }

    /**
     * Makes the component from validated settings.
     *
     * @param settings settings of this spec
     * @return the component
     */
    public C create(Settings settings) {
        if (settings.spec() != this) {
            throw new IllegalArgumentException("settings of " + settings.spec().name() + " given to " + name);
        }
        return factory.apply(settings);
    }

    /**
     * Reads a config and makes the component.
     *
     * @param config the config, or null for the defaults
     * @return the component
     */
    public C create(JsonObject config) {
        return create(read(config));
    }

    /**
     * The component with its defaults.
     *
     * @return the component
     * @throws IllegalArgumentException when a setting is required
     */
    public C create() {
        return create(Settings.of(this, Map.of()));
    }

    /**
     * The name the messages use: the class's simple name.
     *
     * @return e.g. {@code "TripletLoss"}
     */
    String owner() {
        return type.getSimpleName();
    }

    @Override
    public String toString() {
        return name + keys();
    }
}
