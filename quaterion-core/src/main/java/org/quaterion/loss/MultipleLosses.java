package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.Miner;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;
import org.quaterion.settings.SettingsBuilder;
import org.quaterion.state.Stateful;

/**
 * Several group losses on the same batch, weighted and summed (PML's {@code MultipleLosses}):
 * {@code Σ_k w_k · loss_k(embeddings, labels, tuples_k)}, where {@code tuples_k} are mined by loss k's own miner when
 * it has one, else the tuples given to {@code forward} (each loss then takes them or refuses them). Weights default
 * to 1. Reference embeddings, when given, go to every loss and miner.
 *
 * <p>As in PML the members are a list or a map by name, and {@code weights} and {@code miners} follow the same form:
 * in a config, {@code losses: [{type: contrastive}, {type: triplet_margin, margin: 0.1}], weights: [1, 0.5],
 * miners: [null, batch_hard]}, or {@code losses: {pairs: …, triplets: …}, weights: {pairs: 1, triplets: 0.5}}. A
 * list is held as a map with the keys {@code "0", "1", …}. A weight for every loss or none, miners for some; with
 * miners, {@code forward} takes no tuples (PML asserts this). The parameters, initialisation and train/evaluation
 * mode are the members'.
 */
public final class MultipleLosses extends GroupLoss {

    /** The losses, by name. */
    public static final Setting<Map<String, GroupLoss>> LOSSES = Setting.required("losses", mapType(),
            "list or map of losses", json -> readMembers(json, NestedComponents::loss, false),
            m -> writeMembers(m, NestedComponents::write),
            "the losses: a list or a map of {type, …settings} (at least one)");
    /** The weight of each loss. */
    public static final Setting<Map<String, Double>> WEIGHTS = Setting.of("weights", mapType(),
            "list or map of numbers", Map.of(), json -> readMembers(json, MultipleLosses::readWeight, false),
            m -> writeMembers(m, JsonPrimitive::new),
            "the weight of each loss, in the form of losses (empty: 1 each)");
    /** The miner of each loss that has its own. */
    public static final Setting<Map<String, Miner>> MINERS = Setting.of("miners", mapType(), "list or map of miners",
            Map.of(), json -> readMembers(json, NestedComponents::miner, true),
            m -> writeMembers(m, NestedComponents::write),
            "the miner of each loss that has its own, in the form of losses (null for none)");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MultipleLosses> SPEC = ComponentSpec.of("multiple_losses", MultipleLosses.class,
            MultipleLosses::new, LOSSES, WEIGHTS, MINERS);

    private final Map<String, GroupLoss> losses;
    private final Map<String, Double> weights;
    private final Map<String, Miner> miners;

    private MultipleLosses(Settings settings) {
        super(settings);
        this.losses = settings.get(LOSSES);
        this.weights = settings.get(WEIGHTS);
        this.miners = settings.get(MINERS);
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("MultipleLosses needs at least one loss");
        }
        losses.forEach((key, loss) -> {
            if (loss instanceof Stateful) {
                throw new IllegalArgumentException("MultipleLosses cannot hold " + loss + " (" + key + "): its state "
                        + "would be hidden from checkpoints; wrap MultipleLosses in it instead");
            }
        });
        if (!weights.isEmpty() && !weights.keySet().equals(losses.keySet())) {
            throw new IllegalArgumentException("MultipleLosses needs a weight for every loss or none: losses "
                    + losses.keySet() + ", weights " + weights.keySet());
        }
        weights.forEach((key, w) -> {
            if (!Double.isFinite(w)) {
                throw new IllegalArgumentException("MultipleLosses weight " + key + " must be finite, got " + w);
            }
        });
        for (String key : miners.keySet()) {
            if (!losses.containsKey(key)) {
                throw new IllegalArgumentException("MultipleLosses has a miner for " + key + " but no such loss; "
                        + "losses " + losses.keySet());
            }
        }
    }

    /**
     * The losses, each with weight 1 and no miner of its own.
     *
     * @param losses the losses, at least one
     * @return the sum of the losses
     */
    public static MultipleLosses of(GroupLoss... losses) {
        Builder b = builder();
        for (GroupLoss l : losses) {
            b.add(l);
        }
        return b.build();
    }

    /**
     * The losses, as a map by name.
     *
     * @return an unmodifiable view, in order
     */
    public Map<String, GroupLoss> losses() {
        return losses;
    }

    /**
     * As its reference, the value is the weighted sum of the members' already reduced values.
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /** No distance of its own: each member has its own. */
    @Override
    protected Distance defaultDistance() {
        return null;
    }

    /** {@inheritDoc} False when a member has its own miner, or a member without one refuses tuples. */
    @Override
    public boolean usesMinedTuples() {
        return miners.isEmpty() && losses.values().stream().allMatch(GroupLoss::usesMinedTuples);
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        if (!miners.isEmpty()) {
            return "its members " + miners.keySet() + " mine their own tuples (PML's MultipleLosses takes no tuples "
                    + "then)";
        }
        for (Map.Entry<String, GroupLoss> e : losses.entrySet()) {
            if (!e.getValue().usesMinedTuples()) {
                return "its member " + e.getKey() + " cannot: " + e.getValue().minedTuplesIgnoredBecause();
            }
        }
        return "it does not take mined tuples";
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray total = null;
        for (Map.Entry<String, GroupLoss> e : losses.entrySet()) {
            Miner miner = miners.get(e.getKey());
            IndexTuples tuples = miner == null ? in.tuples()
                    : miner.mine(in.embeddings(), in.labels(), in.refEmbeddings(), in.refLabels());
            NDArray value = e.getValue().forward(new LossInputs(in.embeddings(), in.labels(), in.refEmbeddings(),
                    in.refLabels(), in.selfRef(), tuples, in.zero()));
            NDArray weighted = Scalars.mul(value, weights.getOrDefault(e.getKey(), 1.0));
            total = total == null ? weighted : total.add(weighted);
        }
        return LossTerms.alreadyReduced(total);
    }

    /** {@inheritDoc} The members' parameters, each name prefixed by its member's key. */
    @Override
    public ParameterList parameters() {
        ParameterList out = new ParameterList();
        losses.forEach((key, loss) -> loss.parameters().forEach(p -> out.add(key + "." + p.getKey(), p.getValue())));
        return out;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        losses.values().forEach(l -> l.initialize(manager, dataType));
    }

    @Override
    public void train(boolean training) {
        losses.values().forEach(l -> l.train(training));
    }

    /**
     * A builder without losses.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<Map<String, T>> mapType() {
        return (Class<Map<String, T>>) (Class<?>) Map.class;
    }

    private static double readWeight(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("a weight must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    /** A list (keys "0", "1", …; nulls skipped where allowed) or a map of members. */
    private static <T> Map<String, T> readMembers(JsonElement json, Function<JsonElement, T> read,
            boolean nullable) {
        Map<String, T> out = new LinkedHashMap<>();
        if (json.isJsonArray()) {
            JsonArray array = json.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                put(out, String.valueOf(i), array.get(i), read, nullable);
            }
        } else if (json.isJsonObject()) {
            json.getAsJsonObject().entrySet().forEach(e -> put(out, e.getKey(), e.getValue(), read, nullable));
        } else {
            throw new IllegalArgumentException("must be a list or a map, got " + json);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static <T> void put(Map<String, T> out, String key, JsonElement value, Function<JsonElement, T> read,
            boolean nullable) {
        if (value == null || value.isJsonNull()) {
            if (!nullable) {
                throw new IllegalArgumentException("entry " + key + " is null");
            }
            return;
        }
        out.put(key, read.apply(value));
    }

    /** A list when the keys are "0", "1", … (gaps as null), else a map. */
    private static <T> JsonElement writeMembers(Map<String, T> members, Function<T, JsonElement> write) {
        List<Integer> indices = new ArrayList<>();
        for (String key : members.keySet()) {
            if (!key.matches("0|[1-9][0-9]{0,8}")) {
                JsonObject out = new JsonObject();
                members.forEach((k, v) -> out.add(k, write.apply(v)));
                return out;
            }
            indices.add(Integer.parseInt(key));
        }
        JsonArray out = new JsonArray();
        int size = indices.stream().mapToInt(i -> i + 1).max().orElse(0);
        for (int i = 0; i < size; i++) {
            T v = members.get(String.valueOf(i));
            out.add(v == null ? JsonNull.INSTANCE : write.apply(v));
        }
        return out;
    }

    /** Builds a {@link MultipleLosses}: add the losses in order, each optionally named, weighted, with a miner. */
    public static final class Builder extends SettingsBuilder<MultipleLosses, Builder> {
        private final Map<String, GroupLoss> losses = new LinkedHashMap<>();
        private final Map<String, Double> weights = new LinkedHashMap<>();
        private final Map<String, Miner> miners = new LinkedHashMap<>();

        private Builder() {
            super(SPEC);
        }

        /**
         * Adds a loss with weight 1, keyed by its position.
         *
         * @param loss the loss
         * @return this builder
         */
        public Builder add(GroupLoss loss) {
            return add(String.valueOf(losses.size()), loss, 1, null);
        }

        /**
         * Adds a loss with a weight, keyed by its position.
         *
         * @param loss the loss
         * @param weight its weight
         * @return this builder
         */
        public Builder add(GroupLoss loss, double weight) {
            return add(String.valueOf(losses.size()), loss, weight, null);
        }

        /**
         * Adds a named loss with a weight and its own miner.
         *
         * @param name the key (PML's dict key); use positions {@code "0", "1", …} for the list form
         * @param loss the loss
         * @param weight its weight
         * @param miner its miner, or null for the tuples given to {@code forward}
         * @return this builder
         */
        public Builder add(String name, GroupLoss loss, double weight, Miner miner) {
            if (loss == null || losses.containsKey(name)) {
                throw new IllegalArgumentException(loss == null ? "MultipleLosses: loss " + name + " is null"
                        : "MultipleLosses: " + name + " is added twice");
            }
            losses.put(name, loss);
            weights.put(name, weight);
            if (miner != null) {
                miners.put(name, miner);
            }
            set(LOSSES, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(losses)));
            set(WEIGHTS, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights)));
            return set(MINERS, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(miners)));
        }
    }
}
