package org.quaterion.models;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.EncoderResolver;
import org.quaterion.models.encoders.TorchScriptEncoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.HeadFactory;
import org.quaterion.models.heads.HeadLimits;
import org.quaterion.models.heads.HeadResolver;

/**
 * Resolves the type names written in a saved model to the factories that rebuild encoders and heads.
 *
 * <p>Saved models never record Java class names (Quaterion's issue #192): a service loads a model as long as a
 * factory is registered for each type name. {@link #discover()} holds the built-in heads, the built-in
 * {@code torchscript} encoder and every factory listed through {@link ServiceLoader}; {@link #register} adds more.
 * Instances are thread-safe; there is no global registry.
 */
public final class ModelRegistry implements EncoderResolver, HeadResolver {

    private final Map<String, EncoderFactory> encoders = new ConcurrentHashMap<>();
    private final Map<String, HeadFactory> heads = new ConcurrentHashMap<>();

    private ModelRegistry() {}

    /**
     * A registry with nothing registered.
     *
     * @return an empty registry
     */
    public static ModelRegistry empty() {
        return new ModelRegistry();
    }

    /**
     * A registry with the built-in heads and encoders plus every {@link EncoderFactory} and {@link HeadFactory}
     * found by {@link ServiceLoader} on the class path.
     *
     * @return a new registry
     */
    public static ModelRegistry discover() {
        ModelRegistry registry = new ModelRegistry();
        BuiltinHeads.factories().forEach(registry::register);
        registry.register(TorchScriptEncoder.vectorFactory());
        ServiceLoader.load(EncoderFactory.class).forEach(registry::register);
        ServiceLoader.load(HeadFactory.class).forEach(registry::register);
        return registry;
    }

    /**
     * Registers (or replaces) an encoder factory under its type name.
     *
     * @param factory the factory
     * @return this registry
     */
    public ModelRegistry register(EncoderFactory factory) {
        encoders.put(checkName(factory.typeName()), factory);
        return this;
    }

    /**
     * Registers (or replaces) a head factory under its type name.
     *
     * @param factory the factory
     * @return this registry
     */
    public ModelRegistry register(HeadFactory factory) {
        heads.put(checkName(factory.typeName()), factory);
        return this;
    }

    /**
     * Finds the encoder factory for a type name.
     *
     * @param typeName the saved type name
     * @return the factory
     * @throws IllegalArgumentException when none is registered, listing those that are
     */
    @Override
    public EncoderFactory encoderFactory(String typeName) {
        EncoderFactory f = encoders.get(typeName);
        if (f == null) {
            throw new IllegalArgumentException("unknown encoder type '" + typeName + "': register its factory with "
                    + "ModelRegistry.register(...) or META-INF/services; registered: "
                    + new TreeMap<>(encoders).keySet());
        }
        return f;
    }

    /**
     * Finds the head factory for a type name.
     *
     * @param typeName the saved type name
     * @return the factory
     * @throws IllegalArgumentException when none is registered, listing those that are
     */
    public HeadFactory headFactory(String typeName) {
        HeadFactory f = heads.get(typeName);
        if (f == null) {
            throw new IllegalArgumentException("unknown head type '" + typeName + "': register its factory with "
                    + "ModelRegistry.register(...) or META-INF/services; registered: "
                    + new TreeMap<>(heads).keySet());
        }
        return f;
    }

    /**
     * Builds a head from its {@code {"type", "config"}} description.
     *
     * @param description as written by {@link HeadFactory#describe}
     * @return the (uninitialized) head
     */
    @Override
    public EncoderHead createHead(JsonObject description) {
        if (description == null || !description.has("type") || !description.has("config")) {
            throw new IllegalArgumentException("a head description needs 'type' and 'config', got " + description);
        }
        HeadLimits.heads(countHeads(description));
        return headFactory(description.get("type").getAsString())
                .create(description.getAsJsonObject("config"), this);
    }

    /**
     * Counts the head descriptions in a tree (the parts of sequential and switch heads under {@code config.heads}),
     * stopping past {@link HeadLimits#MAX_HEADS}: a config of many small nested parts is refused before any part is
     * built.
     */
    private static int countHeads(JsonObject description) {
        int count = 0;
        Deque<JsonElement> pending = new ArrayDeque<>(List.of(description));
        while (!pending.isEmpty() && count <= HeadLimits.MAX_HEADS) {
            JsonElement node = pending.pop();
            count++; // every part counts, even one that is not an object and will be refused
            if (!node.isJsonObject()) {
                continue;
            }
            JsonElement config = node.getAsJsonObject().get("config");
            JsonElement parts = config != null && config.isJsonObject() ? config.getAsJsonObject().get("heads") : null;
            if (parts != null && parts.isJsonArray()) {
                parts.getAsJsonArray().forEach(pending::push);
            } else if (parts != null && parts.isJsonObject()) {
                parts.getAsJsonObject().entrySet().forEach(e -> pending.push(e.getValue()));
            }
        }
        return count;
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a factory needs a non-blank type name");
        }
        return name;
    }
}
