package org.quaterion.loss;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import org.quaterion.settings.ComponentSpec;

/**
 * The built-in {@link Regularizer}s by registry name, and their JSON form {@code {type: name, …settings}} (the type
 * {@code lp} when absent, so {@code {p: 2, power: 1}} is an {@link LpRegularizer}).
 */
public final class Regularizers {

    /** The built-in regularizers' declarations. */
    public static final List<ComponentSpec<? extends Regularizer>> SPECS = List.of(LpRegularizer.SPEC,
            CenterInvariantRegularizer.SPEC, RegularFaceRegularizer.SPEC, SparseCentersRegularizer.SPEC,
            ZeroMeanRegularizer.SPEC);

    /** The JSON key of the regularizer's name. */
    public static final String TYPE = "type";

    private Regularizers() {}

    /**
     * The declaration of a built-in regularizer.
     *
     * @param name the registry name
     * @return the spec
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static ComponentSpec<? extends Regularizer> spec(String name) {
        for (ComponentSpec<? extends Regularizer> s : SPECS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown regularizer '" + name + "'; use one of "
                + SPECS.stream().map(ComponentSpec::name).toList());
    }

    /**
     * Reads {@code {type: name, …settings}} strictly (every key declared); without {@code type}, an
     * {@link LpRegularizer}.
     *
     * @param json the settings with the type
     * @return the regularizer
     * @throws IllegalArgumentException naming the unknown type or key
     */
    public static Regularizer read(JsonObject json) {
        JsonObject config = json.deepCopy();
        JsonElement type = config.remove(TYPE);
        if (type != null && !(type.isJsonPrimitive() && type.getAsJsonPrimitive().isString())) {
            throw new IllegalArgumentException("a regularizer's type must be a name such as \"lp\", got " + type);
        }
        return spec(type == null ? LpRegularizer.SPEC.name() : type.getAsString()).create(config);
    }

    /**
     * The JSON form {@link #read} reads back: {@code {type: name, …settings}}.
     *
     * @param regularizer the regularizer
     * @return a new object
     */
    public static JsonObject write(Regularizer regularizer) {
        JsonObject json = new JsonObject();
        json.addProperty(TYPE, regularizer.name());
        regularizer.settings().toJson().entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        return json;
    }
}
