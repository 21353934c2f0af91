package org.quaterion.loss;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ServiceLoader;
import org.quaterion.miner.Miner;

/**
 * Losses and miners inside another component's config (a composite loss's members): read from a registry name,
 * {@code {type, …settings}} or {@code {type, config}}; written as {@code {type, …settings}}.
 */
final class NestedComponents {

    private NestedComponents() {}

    /** The reader (the component registry's), found once on first use. */
    private static final class Registry {
        static final NestedComponentReader INSTANCE = ServiceLoader.load(NestedComponentReader.class,
                NestedComponents.class.getClassLoader()).findFirst().orElseThrow(() -> new IllegalStateException(
                        "no " + NestedComponentReader.class.getName() + " service on the class path: quaterion-core's "
                        + "META-INF/services is missing (a shaded jar must merge service files)"));
    }

    /**
     * A group loss from its config.
     *
     * @param json a registry name or an object with {@code type}
     * @return the loss
     * @throws IllegalArgumentException for an unknown type, a bad setting or a loss that is not a group loss
     */
    static GroupLoss loss(JsonElement json) {
        Object loss = Registry.INSTANCE.loss(description(json, "loss"));
        if (!(loss instanceof GroupLoss g)) {
            throw new IllegalArgumentException("must be a group loss (embeddings with labels), got " + json);
        }
        return g;
    }

    /**
     * A miner from its config.
     *
     * @param json a registry name or an object with {@code type}
     * @return the miner
     */
    static Miner miner(JsonElement json) {
        return Registry.INSTANCE.miner(description(json, "miner"));
    }

    /**
     * The config of a nested component: {@code {type, …settings}}.
     *
     * @param component a registered loss or miner
     * @return the config; for a component that is not registered, its class name as type and its config
     */
    static JsonObject write(Object component) {
        JsonObject out = new JsonObject();
        try {
            JsonObject d = Registry.INSTANCE.describe(component);
            out.add("type", d.get("type"));
            d.getAsJsonObject("config").entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        } catch (IllegalArgumentException notRegistered) {
            out.addProperty("type", component.getClass().getSimpleName());
            JsonObject config = component instanceof SimilarityLoss l ? l.config()
                    : component instanceof Miner m ? m.config() : new JsonObject();
            config.entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** {@code {type, config}} from a name, {@code {type, …settings}} or {@code {type, config}}. */
    private static JsonObject description(JsonElement json, String what) {
        JsonObject out = new JsonObject();
        if (json != null && json.isJsonPrimitive() && json.getAsJsonPrimitive().isString()) {
            out.add("type", json);
            return out;
        }
        if (json == null || !json.isJsonObject() || !json.getAsJsonObject().has("type")) {
            throw new IllegalArgumentException("a " + what + " must be a registry name or {type, …settings}, got "
                    + json);
        }
        JsonObject given = json.getAsJsonObject();
        boolean described = given.has("config") && given.size() == 2 && given.get("config").isJsonObject();
        if (described) {
            return given;
        }
        JsonObject config = given.deepCopy();
        out.add("type", config.remove("type"));
        out.add("config", config);
        return out;
    }
}
