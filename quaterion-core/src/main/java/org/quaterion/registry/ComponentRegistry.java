package org.quaterion.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.quaterion.distance.Distance;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.miner.Miner;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.Configurable;

/**
 * Every loss, miner, reducer and distance by type name (unique per kind), rebuilt from its config
 * ({@code ModelRegistry}'s idea for training components): {@code registry.loss(registry.describe(loss))} is a loss
 * with the same settings. Built-ins (one {@link org.quaterion.settings.ComponentSpec} each), then
 * {@link ComponentFactory} services on the class path, then explicit {@link #register} calls. Not thread-safe while
 * registering.
 */
public final class ComponentRegistry {

    private static final List<Class<?>> KINDS = List.of(SimilarityLoss.class, Miner.class, Reducer.class,
            Distance.class);

    private final Map<String, ComponentFactory<?>> byName = new LinkedHashMap<>();

    private ComponentRegistry() {}

    /**
     * The built-in components plus every {@link ComponentFactory} found by {@link ServiceLoader}.
     *
     * @return a new registry
     */
    public static ComponentRegistry discover() {
        ComponentRegistry r = new ComponentRegistry();
        BuiltinComponents.all().forEach(r::register);
        for (ComponentFactory<?> f : ServiceLoader.load(ComponentFactory.class)) {
            r.register(f);
        }
        return r;
    }

    /**
     * Adds a factory.
     *
     * @param factory the factory
     * @return this registry
     * @throws IllegalArgumentException when another factory of its kind has the same type name
     */
    public ComponentRegistry register(ComponentFactory<?> factory) {
        ComponentFactory<?> previous = byName.putIfAbsent(key(factory.kind(), factory.typeName()), factory);
        if (previous != null && previous != factory) {
            throw new IllegalArgumentException(factory.kind().getSimpleName() + " type '" + factory.typeName()
                    + "' is registered twice ("
                    + previous.type().getName() + " and " + factory.type().getName() + "); pick another name");
        }
        return this;
    }

    /**
     * The registered type names of a kind, sorted.
     *
     * @param kind {@code SimilarityLoss.class}, {@code Miner.class}, {@code Reducer.class} or {@code Distance.class}
     * @return the names
     */
    public List<String> names(Class<?> kind) {
        TreeSet<String> out = new TreeSet<>();
        byName.values().stream().filter(f -> f.kind() == kind).forEach(f -> out.add(f.typeName()));
        return List.copyOf(out);
    }

    /**
     * The registered factories of a kind, in registration order (built-ins first).
     *
     * @param kind the kind
     * @param <K> the kind
     * @return the factories
     */
    @SuppressWarnings("unchecked")
    public <K> List<ComponentFactory<K>> factories(Class<K> kind) {
        List<ComponentFactory<K>> out = new ArrayList<>();
        byName.values().stream().filter(f -> f.kind() == kind).forEach(f -> out.add((ComponentFactory<K>) f));
        return out; // registered under this kind, so each builds a K
    }

    /**
     * {@code {"type": name, "config": settings}} for a registered component: the registry name and the settings of
     * a loss, miner, reducer or distance.
     *
     * @param component a registered component
     * @return the description
     * @throws IllegalArgumentException when its class is not registered
     */
    public JsonObject describe(Object component) {
        JsonObject json = new JsonObject();
        if (component instanceof Distance d) {
            json.addProperty("type", d.config().get("name").getAsString());
            json.add("config", BuiltinComponents.distanceSettings(d));
            return json;
        }
        for (ComponentFactory<?> f : byName.values()) {
            if (f.type() == component.getClass()) {
                json.addProperty("type", f.typeName());
                json.add("config", config(component));
                return json;
            }
        }
        throw new IllegalArgumentException(component.getClass().getName() + " is not registered; register a "
                + "ComponentFactory for it");
    }

    private static JsonObject config(Object component) {
        if (component instanceof Configurable c && c.settings() != null) {
            return c.settings().toJson();
        }
        if (component instanceof SimilarityLoss l) {
            return l.config();
        }
        return component instanceof Miner m ? m.config() : new JsonObject();
    }

    /**
     * Rebuilds a loss from {@link #describe}'s output.
     *
     * @param description {@code {"type", "config"}}
     * @return the loss
     */
    public SimilarityLoss loss(JsonObject description) {
        return create(SimilarityLoss.class, description);
    }

    /**
     * Rebuilds a miner from {@link #describe}'s output.
     *
     * @param description {@code {"type", "config"}}
     * @return the miner
     */
    public Miner miner(JsonObject description) {
        return create(Miner.class, description);
    }

    /**
     * Rebuilds a reducer from {@link #describe}'s output.
     *
     * @param description {@code {"type", "config"}}
     * @return the reducer
     */
    public Reducer reducer(JsonObject description) {
        return create(Reducer.class, description);
    }

    /**
     * Rebuilds a distance from {@link #describe}'s output ({@code {"type": "cosine", "config": {"scale": 0.5}}}).
     *
     * @param description {@code {"type", "config"}}
     * @return the distance
     */
    public Distance distance(JsonObject description) {
        return create(Distance.class, description);
    }

    /**
     * A reducer of a type with its default settings.
     *
     * @param name the type name, e.g. {@code "mean"}
     * @return the reducer
     */
    public Reducer reducer(String name) {
        return create(Reducer.class, name, null);
    }

    /**
     * A loss of a type with its reference defaults, some settings overridden by name (what the CLI's YAML gives):
     * {@code loss("triplet_margin", {"margin": 0.1, "distance": "cosine"})}. A {@code distance} may be a name or a
     * distance config; a {@code reducer} a name or {@code {"type": "threshold", "low": 0.1}}. Class-weight losses
     * need {@code num_classes} and {@code embedding_size}.
     *
     * @param type the type name
     * @param overrides settings to change; a key the loss does not have, or a value of the wrong type, is an error
     *     naming the key and the valid ones
     * @return the loss
     */
    public SimilarityLoss loss(String type, JsonObject overrides) {
        return create(SimilarityLoss.class, type, overrides);
    }

    /**
     * A miner of a type with its defaults, some settings overridden by name (see {@link #loss(String, JsonObject)}).
     *
     * @param type the type name
     * @param overrides settings to change
     * @return the miner
     */
    public Miner miner(String type, JsonObject overrides) {
        return create(Miner.class, type, overrides);
    }

    /**
     * Whether a registered loss type builds a loss of a given class, e.g. to keep pair losses for pair data.
     *
     * @param type the loss type name
     * @param expected {@code GroupLoss.class} or {@code PairwiseLoss.class}
     * @return true when it does
     */
    public boolean isLoss(String type, Class<?> expected) {
        ComponentFactory<?> f = byName.get(key(SimilarityLoss.class, type));
        return f != null && expected.isAssignableFrom(f.type());
    }

    /**
     * A component of a kind and type with its defaults, some settings overridden by name.
     *
     * @param kind the kind
     * @param type the type name
     * @param overrides settings to change, or null
     * @param <K> the kind
     * @return the component
     * @throws IllegalArgumentException for an unknown type or setting, naming the valid ones
     */
    public <K> K create(Class<K> kind, String type, JsonObject overrides) {
        ComponentFactory<?> f = factory(kind, type);
        JsonObject config = overrides == null ? new JsonObject() : overrides;
        if (f.spec() == null && f.defaultConfig() != null) { // a hand-written factory: merge its defaults
            config = f.defaultConfig().deepCopy();
            for (Map.Entry<String, JsonElement> e : (overrides == null ? new JsonObject() : overrides).entrySet()) {
                if (!config.has(e.getKey())) {
                    throw new IllegalArgumentException(type + " has no setting '" + e.getKey() + "'; its settings are "
                            + f.defaultConfig().keySet());
                }
                config.add(e.getKey(), e.getValue());
            }
        }
        return build(kind, f, type, config);
    }

    /**
     * Rebuilds a component of a kind from {@link #describe}'s output.
     *
     * @param kind the kind
     * @param description {@code {"type", "config"}}
     * @param <K> the kind
     * @return the component
     */
    public <K> K create(Class<K> kind, JsonObject description) {
        JsonElement type = description == null ? null : description.get("type");
        if (type == null || !type.isJsonPrimitive()) {
            throw new IllegalArgumentException("a component description needs a \"type\"; got " + description);
        }
        for (String k : description.keySet()) {
            if (!k.equals("type") && !k.equals("config")) {
                throw new IllegalArgumentException("a component description has \"type\" and \"config\", not \"" + k
                        + "\"; got " + description);
            }
        }
        JsonElement config = description.get("config");
        if (config != null && !config.isJsonObject()) {
            throw new IllegalArgumentException("\"config\" must be an object of settings, got " + config);
        }
        return build(kind, factory(kind, type.getAsString()), type.getAsString(),
                config == null ? new JsonObject() : config.getAsJsonObject());
    }

    private ComponentFactory<?> factory(Class<?> kind, String type) {
        if (!KINDS.contains(kind) && names(kind).isEmpty()) {
            throw new IllegalArgumentException("no components of kind " + kind.getName() + "; kinds are " + KINDS);
        }
        ComponentFactory<?> f = byName.get(key(kind, type));
        if (f == null) {
            throw new IllegalArgumentException("unknown " + kind.getSimpleName() + " type '" + type + "'; known: "
                    + names(kind));
        }
        return f;
    }

    private static <K> K build(Class<K> kind, ComponentFactory<?> f, String type, JsonObject config) {
        try {
            return kind.cast(f.create(config));
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IllegalArgumentException(message.startsWith(type) ? message : type + ": " + message, e);
        }
    }

    /** Type names are unique per kind: a loss and a miner may share one ({@code multi_similarity}). */
    private static String key(Class<?> kind, String name) {
        return kind.getName() + ":" + name;
    }
}
