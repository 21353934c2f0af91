package org.quaterion.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.quaterion.distance.Distance;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;

/**
 * Test helper: every registered component, read from the registry (no hand-kept list): each with its defaults and,
 * one setting at a time, every other value of its choices and flags, and (for {@link #variants()}) another distance
 * and reducer. A new built-in component is covered as soon as it is registered.
 */
public final class AllLosses {

    /** Values of the settings that have no default, by key (class-weight losses: 3 classes of 4-d embeddings). */
    private static final Map<String, JsonElement> REQUIRED = Map.of("num_classes", new JsonPrimitive(3),
            "embedding_size", new JsonPrimitive(4));

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    private AllLosses() {}

    /**
     * A matrix of standard normal draws, row by row.
     *
     * @param random the source
     * @param rows the number of rows
     * @param cols the number of columns
     * @return {@code rows × cols} values
     */
    public static double[][] gaussian(java.util.Random random, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return out;
    }

    /**
     * Fresh instances of every registered loss: defaults, each choice and flag, another distance and reducer.
     *
     * @return the losses
     */
    public static List<SimilarityLoss> variants() {
        return named(SimilarityLoss.class, true).values().stream().map(Supplier::get).toList();
    }

    /**
     * Makers of fresh instances of every registered component of a kind, by a name such as
     * {@code triplet.mining=all}.
     *
     * @param kind the kind
     * @param withNested whether to vary the distance and the reducer too
     * @param <K> the kind
     * @return the components by name (defaults named by the type alone)
     */
    public static <K> Map<String, Supplier<K>> named(Class<K> kind, boolean withNested) {
        Map<String, Supplier<K>> out = new LinkedHashMap<>();
        for (ComponentFactory<K> f : REGISTRY.factories(kind)) {
            ComponentSpec<? extends K> spec = f.spec();
            JsonObject base = new JsonObject();
            for (Setting<?> s : spec.settings()) {
                if (s.required()) {
                    JsonElement value = REQUIRED.get(s.key());
                    if (value == null) {
                        throw new IllegalStateException("AllLosses needs a value for the required setting "
                                + s.key() + " of " + spec.name() + "; add it to REQUIRED");
                    }
                    base.add(s.key(), value);
                }
            }
            out.put(spec.name(), () -> spec.create(base));
            for (Setting<?> s : spec.settings()) {
                for (JsonElement value : others(s, withNested)) {
                    JsonObject config = base.deepCopy();
                    config.add(s.key(), value);
                    String name = spec.name() + "." + s.key() + "=" + (value.isJsonPrimitive() ? value.getAsString()
                            : value.toString());
                    out.put(name, () -> spec.create(config));
                    spec.create(config); // a variant the declaration refuses fails here, by name
                }
            }
        }
        return out;
    }

    /** The values other than the default that a variant takes: every other choice, the other flag value, … */
    private static List<JsonElement> others(Setting<?> s, boolean withNested) {
        List<JsonElement> out = new ArrayList<>();
        if (s.required()) {
            return out;
        }
        String def = s.defaultText();
        if (s.valueType().isEnum()) {
            for (Object c : s.valueType().getEnumConstants()) {
                JsonElement v = new JsonPrimitive(((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT));
                if (!v.toString().equals(def)) {
                    out.add(v);
                }
            }
        } else if (s.valueType() == Boolean.class) {
            out.add(new JsonPrimitive(!Boolean.parseBoolean(def)));
        } else if (withNested && s.valueType() == Distance.class) {
            Distance other = Distance.cosine().scaled(0.5);
            out.add((other.config().toString().equals(def) ? Distance.euclidean() : other).config());
        } else if (withNested && s.key().equals("reducer")) {
            JsonObject threshold = new JsonObject();
            threshold.addProperty("type", "threshold");
            threshold.addProperty("low", 0.01);
            out.add(threshold);
        }
        return out;
    }
}
