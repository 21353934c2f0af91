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

    /**
     * Values of the settings that have no default, by key (class-weight losses: 3 classes of 4-d embeddings;
     * ranked_list: margin and tn; composite losses: their inner losses and weights).
     */
    private static final Map<String, JsonElement> REQUIRED = Map.of("num_classes", new JsonPrimitive(3),
            "embedding_size", new JsonPrimitive(4), "margin", new JsonPrimitive(0.4), "tn", new JsonPrimitive(1),
            "losses", com.google.gson.JsonParser.parseString("[{\"type\": \"contrastive\"}, {\"type\": "
                    + "\"triplet_margin\"}]"),
            "loss", com.google.gson.JsonParser.parseString("{\"type\": \"contrastive\"}"),
            "weights", com.google.gson.JsonParser.parseString("[1, 2, 0.5]"));

    /**
     * Settings a variant needs besides its own, by variant name, where the declaration refuses the variant alone
     * (BatchEasyHardMiner: semi_hard is relative to the other side's choice, which semi_hard or all does not make).
     */
    private static final Map<String, Map<String, String>> COMPANIONS = Map.of(
            "batch_easy_hard.pos_strategy=semi_hard", Map.of("neg_strategy", "hard"),
            "batch_easy_hard.pos_strategy=all", Map.of("neg_strategy", "hard"));

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
     * A pair loss on a batch of n pairs, with the distillation targets a distillation loss needs: a teacher embedding
     * of 0.5s per pair, or as explicit negatives each pair's next pair's second member (rows within the 2n) with a
     * teacher margin of 0.3 each.
     *
     * @param loss the loss
     * @param e {@code (2n, d)} embeddings
     * @param pairs {@code (n, 2)}
     * @param scores {@code (n)}
     * @param subgroups {@code (2n)}, or null
     * @return the loss value
     */
    public static ai.djl.ndarray.NDArray forwardPairs(org.quaterion.loss.PairwiseLoss loss, ai.djl.ndarray.NDArray e,
            ai.djl.ndarray.NDArray pairs, ai.djl.ndarray.NDArray scores, ai.djl.ndarray.NDArray subgroups) {
        ai.djl.ndarray.NDArray[] t = distillationTargets(loss, e.getManager(), pairs.getShape().get(0),
                e.getShape().get(1), e.getDataType());
        return loss.forward(e, pairs, scores, subgroups, t[0], t[1], t[2]);
    }

    /**
     * A cross-encoder loss on one score per row, the rows' first column: groups {@code i % 3}, target 1 for the first
     * row of each group (its one positive) and 0 for the others, which every score loss accepts.
     *
     * @param loss the loss
     * @param e {@code (n, d)} rows, n a multiple of 3 of at least 6
     * @return the loss value
     */
    public static ai.djl.ndarray.NDArray forwardScores(org.quaterion.loss.score.ScoreLoss loss,
            ai.djl.ndarray.NDArray e) {
        int n = (int) e.getShape().get(0);
        long[] groups = new long[n];
        double[] targets = new double[n];
        for (int i = 0; i < n; i++) {
            groups[i] = i % 3;
            targets[i] = i < 3 ? 1 : 0;
        }
        ai.djl.ndarray.NDManager m = e.getManager();
        return loss.forward(e.get(":, 0"), m.create(targets).toType(e.getDataType(), false), m.create(groups));
    }

    /**
     * What {@link #forwardPairs} gives a loss besides the pairs: {explicit negatives, teacher embeddings, teacher
     * margins}, each null when the loss does not use it.
     *
     * @param loss the loss
     * @param m the manager that owns the arrays
     * @param n pairs
     * @param d embedding width
     * @param type the embeddings' type
     * @return three arrays or nulls
     */
    public static ai.djl.ndarray.NDArray[] distillationTargets(org.quaterion.loss.PairwiseLoss loss,
            ai.djl.ndarray.NDManager m, long n, long d, ai.djl.ndarray.types.DataType type) {
        if (loss.usesTeacherEmbeddings()) {
            return new ai.djl.ndarray.NDArray[] {null, m.full(new ai.djl.ndarray.types.Shape(n, d), 0.5f, type),
                null};
        }
        if (loss.usesTeacherMargins()) {
            long[][] negatives = new long[(int) n][];
            for (int i = 0; i < n; i++) {
                negatives[i] = new long[] {i, n + (i + 1) % n};
            }
            return new ai.djl.ndarray.NDArray[] {m.create(negatives), null,
                m.full(new ai.djl.ndarray.types.Shape(n), 0.3f, type)};
        }
        return new ai.djl.ndarray.NDArray[3];
    }

    /**
     * The values {@link #named} gives the settings of a component that have no default.
     *
     * @param spec the component's declaration
     * @return its required settings with a test value each (empty when it has none)
     */
    public static JsonObject requiredSettings(ComponentSpec<?> spec) {
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
        return base;
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
            JsonObject base = requiredSettings(spec);
            out.put(spec.name(), () -> spec.create(base));
            for (Setting<?> s : spec.settings()) {
                for (JsonElement value : others(s, withNested)) {
                    JsonObject config = base.deepCopy();
                    config.add(s.key(), value);
                    String name = spec.name() + "." + s.key() + "=" + (value.isJsonPrimitive() ? value.getAsString()
                            : value.toString());
                    COMPANIONS.getOrDefault(name, Map.of()).forEach(config::addProperty);
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
