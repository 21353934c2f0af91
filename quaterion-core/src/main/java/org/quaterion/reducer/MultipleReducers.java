package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;
import org.quaterion.settings.SettingsBuilder;

/**
 * A reducer per part of a loss, PML's {@code MultipleReducers}: each part (a contrastive loss's {@code pos_loss} and
 * {@code neg_loss}; {@code loss} for a loss of one part) is reduced by the reducer named for it, or the default
 * reducer, and the parts' values are summed. A part name the loss does not have is refused when the loss reduces
 * (PML ignores it).
 */
public final class MultipleReducers implements TermsReducer, Configurable {

    /** The reducer of each named part. */
    public static final Setting<Map<String, Reducer>> REDUCERS = Setting.of("reducers", mapType(), "map of reducers",
            Map.of(), MultipleReducers::readMap, MultipleReducers::writeMap,
            "the reducer of each part of the loss, by part name (e.g. {pos_loss: mean, neg_loss: avg_non_zero})");
    /** The reducer of the parts not named. */
    public static final Setting<Reducer> DEFAULT_REDUCER = Setting.of("default_reducer", Reducer.class, "reducer",
            new MeanReducer(), Reducers::read, Reducers::write, "the reducer of the parts not named in reducers");
    /** The declaration. */
    public static final ComponentSpec<MultipleReducers> SPEC = ComponentSpec.of("multiple", MultipleReducers.class,
            MultipleReducers::new, REDUCERS, DEFAULT_REDUCER);

    private final Settings settings;
    private final Map<String, Reducer> reducers;
    private final Reducer defaultReducer;

    private MultipleReducers(Settings settings) {
        this.settings = settings;
        this.reducers = Map.copyOf(settings.get(REDUCERS));
        this.defaultReducer = settings.get(DEFAULT_REDUCER);
        reducers.forEach((part, r) -> refuseArrays(part, r));
        refuseArrays("default_reducer", defaultReducer);
    }

    private static void refuseArrays(String part, Reducer r) {
        if (!r.toScalar()) {
            throw new IllegalArgumentException("multiple sums the values of the parts, but " + r.name() + " (for "
                    + part + ") returns the losses unreduced; give it a reducer to a scalar");
        }
    }

    /**
     * A builder: no part named, the mean for all.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Reducer forPart(String part) {
        return reducers.getOrDefault(part, defaultReducer);
    }

    @Override
    public void checkParts(List<String> parts, String who) {
        for (String name : reducers.keySet()) {
            if (!parts.contains(name)) {
                throw new IllegalArgumentException("multiple has a reducer for part '" + name + "' but " + who
                        + " has the parts " + parts + "; name one of those");
            }
        }
    }

    @Override
    public NDArray reduce(Terms terms, NDArray zero) {
        return forPart(terms.part()).reduce(terms, zero);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @SuppressWarnings("unchecked")
    private static Class<Map<String, Reducer>> mapType() {
        return (Class<Map<String, Reducer>>) (Class<?>) Map.class;
    }

    private static Map<String, Reducer> readMap(JsonElement json) {
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException("must be a map from part name to reducer, got " + json);
        }
        Map<String, Reducer> out = new LinkedHashMap<>();
        json.getAsJsonObject().entrySet().forEach(e -> out.put(e.getKey(), Reducers.read(e.getValue())));
        return out;
    }

    private static JsonElement writeMap(Map<String, Reducer> map) {
        JsonObject out = new JsonObject();
        new java.util.TreeMap<>(map).forEach((k, v) -> out.add(k, Reducers.write(v)));
        return out;
    }

    /** Builds a {@link MultipleReducers}. */
    public static final class Builder extends SettingsBuilder<MultipleReducers, Builder> {
        private final Map<String, Reducer> parts = new LinkedHashMap<>();

        private Builder() {
            super(SPEC);
        }

        /**
         * Reduces one part with a reducer.
         *
         * @param part the part's name, e.g. {@code "pos_loss"}
         * @param reducer its reducer
         * @return this builder
         */
        public Builder add(String part, Reducer reducer) {
            parts.put(part, reducer);
            return set(REDUCERS, Map.copyOf(parts));
        }

        /**
         * Sets {@link #DEFAULT_REDUCER}.
         *
         * @param reducer the reducer of the parts not named
         * @return this builder
         */
        public Builder optDefaultReducer(Reducer reducer) {
            return set(DEFAULT_REDUCER, reducer);
        }
    }
}
