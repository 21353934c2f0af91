package org.quaterion.reducer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Setting;

/** The built-in reducers by registry name, and the {@code reducer} setting of the losses that have one. */
public final class Reducers {

    /** The built-in reducers' declarations. */
    public static final List<ComponentSpec<? extends Reducer>> SPECS = List.of(AvgNonZeroReducer.SPEC,
            MeanReducer.SPEC, SumReducer.SPEC, ThresholdReducer.SPEC, ClassWeightedReducer.SPEC, DivisorReducer.SPEC,
            DoNothingReducer.SPEC, MultipleReducers.SPEC, PerAnchorReducer.SPEC);

    private Reducers() {}

    /**
     * A built-in reducer with its default settings: {@code avg_non_zero}, {@code mean}, {@code sum} or
     * {@code threshold} (no bounds).
     *
     * @param name the registry name
     * @return a new reducer
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static Reducer byName(String name) {
        return spec(name).create();
    }

    /**
     * The {@code reducer} setting of a loss: written as the reducer's name, or {@code {"type": name, …settings}}
     * when it has settings; read from either.
     *
     * @param defaultValue the loss's reference reducer
     * @return the setting
     */
    public static Setting<Reducer> setting(Reducer defaultValue) {
        return Setting.of("reducer", Reducer.class, "reducer", defaultValue, Reducers::read, Reducers::write,
                "reducer of the unreduced losses: " + SPECS.stream().map(ComponentSpec::name).toList()
                        + " or {type: threshold, low, high} (see docs/losses.md, Reducers)");
    }

    private static ComponentSpec<? extends Reducer> spec(String name) {
        for (ComponentSpec<? extends Reducer> s : SPECS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown reducer '" + name + "'; use one of "
                + SPECS.stream().map(ComponentSpec::name).toList());
    }

    /** A reducer from its name or {@code {type, …settings}}. */
    static Reducer read(JsonElement json) {
        if (json.isJsonPrimitive() && json.getAsJsonPrimitive().isString()) {
            return byName(json.getAsString());
        }
        if (json.isJsonObject() && json.getAsJsonObject().has("type")) {
            JsonObject config = json.getAsJsonObject().deepCopy();
            JsonElement type = config.remove("type");
            if (type.isJsonPrimitive()) {
                return spec(type.getAsString()).create(config);
            }
        }
        throw new IllegalArgumentException("must be a reducer name or {type, …settings}, got " + json);
    }

    /** A reducer's name, or {@code {type, …settings}} when it has settings. */
    static JsonElement write(Reducer reducer) {
        if (!(reducer instanceof Configurable c)) {
            return new JsonPrimitive(reducer.name());
        }
        JsonObject settings = c.settings().toJson();
        if (settings.size() == 0) {
            return new JsonPrimitive(c.settings().spec().name());
        }
        JsonObject json = new JsonObject();
        json.addProperty("type", c.settings().spec().name());
        settings.entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        return json;
    }
}
