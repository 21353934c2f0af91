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
import org.quaterion.reducer.Reducers;

/**
 * Every loss and miner by type name (unique per kind), rebuilt from its config ({@code ModelRegistry}'s idea for training components):
 * {@code registry.loss(registry.describe(loss))} is a loss with the same settings. Built-ins, then
 * {@link ComponentFactory} services on the class path, then explicit {@link #register} calls. Distances and reducers
 * rebuild through {@link Distance#fromConfig} and {@link Reducers#byName}. Not thread-safe while registering.
 */
public final class ComponentRegistry {

    private final Map<String, ComponentFactory<?>> byName = new LinkedHashMap<>();

    private ComponentRegistry() {}

    /**
     * The built-in losses and miners plus every {@link ComponentFactory} found by {@link ServiceLoader}.
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
     * @throws IllegalArgumentException when another factory has the same type name
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
     * @param kind {@code SimilarityLoss.class} or {@code Miner.class}
     * @return the names
     */
    public List<String> names(Class<?> kind) {
        List<String> out = new ArrayList<>();
        byName.values().stream().filter(f -> f.kind() == kind).forEach(f -> out.add(f.typeName()));
        return List.copyOf(new TreeSet<>(out));
    }

    /**
     * {@code {"type": name, "config": component.config()}} for a registered component.
     *
     * @param component a loss or a miner
     * @return the description
     * @throws IllegalArgumentException when its class is not registered
     */
    public JsonObject describe(Object component) {
        for (ComponentFactory<?> f : byName.values()) {
            if (f.type() == component.getClass()) {
                JsonObject json = new JsonObject();
                json.addProperty("type", f.typeName());
                json.add("config", component instanceof SimilarityLoss l ? l.config() : ((Miner) component).config());
                return json;
            }
        }
        throw new IllegalArgumentException(component.getClass().getName() + " is not registered; register a "
                + "ComponentFactory for it");
    }

    /**
     * Rebuilds a loss from {@link #describe}'s output.
     *
     * @param description {@code {"type", "config"}}
     * @return the loss
     */
    public SimilarityLoss loss(JsonObject description) {
        return create(description, SimilarityLoss.class);
    }

    /**
     * Rebuilds a miner from {@link #describe}'s output.
     *
     * @param description {@code {"type", "config"}}
     * @return the miner
     */
    public Miner miner(JsonObject description) {
        return create(description, Miner.class);
    }

    /**
     * A loss of a type with its reference defaults, some settings overridden by name (what the CLI's YAML gives):
     * {@code loss("triplet_margin", {"margin": 0.1, "distance": "cosine"})}. A {@code distance} may be a name or a
     * distance config. Class-weight losses need {@code num_classes} and {@code embedding_size}.
     *
     * @param type the type name
     * @param overrides settings to change; a key the loss does not have is an error listing the valid ones
     * @return the loss
     */
    public SimilarityLoss loss(String type, JsonObject overrides) {
        return create(withDefaults(SimilarityLoss.class, type, overrides), SimilarityLoss.class);
    }

    /**
     * A miner of a type with its defaults, some settings overridden by name (see {@link #loss(String, JsonObject)}).
     *
     * @param type the type name
     * @param overrides settings to change
     * @return the miner
     */
    public Miner miner(String type, JsonObject overrides) {
        return create(withDefaults(Miner.class, type, overrides), Miner.class);
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

    private JsonObject withDefaults(Class<?> kind, String type, JsonObject overrides) {
        ComponentFactory<?> f = byName.get(key(kind, type));
        if (f == null) {
            throw new IllegalArgumentException("unknown " + kind.getSimpleName() + " type '" + type + "'; known: "
                    + names(kind));
        }
        JsonObject config = f.defaultConfig() == null ? new JsonObject() : f.defaultConfig().deepCopy();
        java.util.Set<String> known = new TreeSet<>(config.keySet());
        known.add("num_classes");
        known.add("embedding_size");
        for (Map.Entry<String, JsonElement> e : (overrides == null ? new JsonObject() : overrides).entrySet()) {
            if (f.defaultConfig() != null && !known.contains(e.getKey())) {
                throw new IllegalArgumentException(type + " has no setting '" + e.getKey() + "'; its settings are "
                        + config.keySet());
            }
            JsonElement value = e.getValue();
            if (e.getKey().equals("distance") && value.isJsonPrimitive()) {
                value = Distance.byName(value.getAsString()).config();
            }
            config.add(e.getKey(), value);
        }
        JsonObject description = new JsonObject();
        description.addProperty("type", type);
        description.add("config", config);
        return description;
    }

    /**
     * A distance from its config ({@link Distance#fromConfig}).
     *
     * @param config the config
     * @return the distance
     */
    public Distance distance(JsonObject config) {
        return Distance.fromConfig(config);
    }

    /**
     * A reducer from its name ({@link Reducers#byName}).
     *
     * @param name the name
     * @return the reducer
     */
    public Reducer reducer(String name) {
        return Reducers.byName(name);
    }

    /** Type names are unique per kind: a loss and a miner may share one ({@code multi_similarity}). */
    private static String key(Class<?> kind, String name) {
        return kind.getName() + ":" + name;
    }

    private <C> C create(JsonObject description, Class<C> kind) {
        JsonElement type = description == null ? null : description.get("type");
        if (type == null || !type.isJsonPrimitive()) {
            throw new IllegalArgumentException("a component description needs a \"type\"; got " + description);
        }
        ComponentFactory<?> f = byName.get(key(kind, type.getAsString()));
        if (f == null) {
            throw new IllegalArgumentException("unknown " + kind.getSimpleName() + " type '" + type.getAsString()
                    + "'; known: " + names(kind));
        }
        JsonObject config = description.has("config") && description.get("config").isJsonObject()
                ? description.getAsJsonObject("config") : new JsonObject();
        try {
            return kind.cast(f.create(config));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(type.getAsString() + ": " + e.getMessage(), e);
        }
    }
}
