package org.quaterion.onnx.transformer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.quaterion.models.io.JsonFiles;

/**
 * Low-rank adapters (LoRA, Hu et al. 2021) on a transformer's linear layers: each targeted layer {@code y = W x + b}
 * becomes {@code y = W x + b + (alpha / rank) · B A dropout(x)}, with {@code A (rank, in)} initialised at random and
 * {@code B (out, rank)} at zero, so training starts from the pretrained model; only {@code A} and {@code B} train.
 *
 * @param rank the adapters' rank r
 * @param alpha the scale numerator: the update is multiplied by {@code alpha / rank}
 * @param dropout dropout on the adapters' input while training, in {@code [0, 1)}
 * @param targets which linear layers of each transformer layer get adapters
 * @param layers which transformer layers (0-based) get adapters; empty for all
 */
public record LoraConfig(int rank, double alpha, double dropout, Set<Target> targets, Set<Integer> layers) {

    /** A linear layer of a BERT layer, named as Hugging Face and PEFT name it. */
    public enum Target {
        /** {@code attention.self.query}. */
        QUERY("attention.self.query"),
        /** {@code attention.self.key}. */
        KEY("attention.self.key"),
        /** {@code attention.self.value}. */
        VALUE("attention.self.value"),
        /** {@code attention.output.dense}. */
        ATTENTION_OUTPUT("attention.output.dense"),
        /** {@code intermediate.dense} (the feed-forward's first layer). */
        INTERMEDIATE("intermediate.dense"),
        /** {@code output.dense} (the feed-forward's second layer). */
        OUTPUT("output.dense");

        private final String module;

        Target(String module) {
            this.module = module;
        }

        /**
         * The module's path inside a layer.
         *
         * @return e.g. "attention.self.query"
         */
        public String module() {
            return module;
        }

        /**
         * The lower-case name used in configuration files.
         *
         * @return e.g. "query"
         */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Checks the settings.
     *
     * @param rank rank, at least 1
     * @param alpha scale numerator, positive
     * @param dropout dropout in [0, 1)
     * @param targets at least one
     * @param layers empty for all, else non-negative indices
     */
    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be positive and finite, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target layer (query, key, value, "
                    + "attention_output, intermediate, output)");
        }
        targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
        layers = Collections.unmodifiableSet(new TreeSet<>(layers == null ? Set.of() : layers));
        for (int l : layers) {
            if (l < 0) {
                throw new IllegalArgumentException("LoRA layer indices are 0-based, got " + l);
            }
        }
    }

    /**
     * Rank-{@code rank} adapters on the query and value projections of every layer, alpha {@code 2 · rank}, no
     * dropout: the common choice for BERT encoders.
     *
     * @param rank the rank
     * @return the configuration
     */
    public static LoraConfig of(int rank) {
        return new LoraConfig(rank, 2.0 * rank, 0, EnumSet.of(Target.QUERY, Target.VALUE), Set.of());
    }

    /**
     * The same adapters on other targets.
     *
     * @param first a target
     * @param more more targets
     * @return a new configuration
     */
    public LoraConfig withTargets(Target first, Target... more) {
        return new LoraConfig(rank, alpha, dropout, EnumSet.of(first, more), layers);
    }

    /**
     * The same adapters with another alpha.
     *
     * @param newAlpha the scale numerator
     * @return a new configuration
     */
    public LoraConfig withAlpha(double newAlpha) {
        return new LoraConfig(rank, newAlpha, dropout, targets, layers);
    }

    /**
     * The same adapters with dropout on their input.
     *
     * @param newDropout in [0, 1)
     * @return a new configuration
     */
    public LoraConfig withDropout(double newDropout) {
        return new LoraConfig(rank, alpha, newDropout, targets, layers);
    }

    /**
     * The same adapters on some layers only.
     *
     * @param newLayers 0-based layer indices; empty for all
     * @return a new configuration
     */
    public LoraConfig withLayers(Set<Integer> newLayers) {
        return new LoraConfig(rank, alpha, dropout, targets, newLayers);
    }

    /**
     * The update's scale, {@code alpha / rank}.
     *
     * @return the scale
     */
    public double scale() {
        return alpha / rank;
    }

    /**
     * Whether a layer's linear gets an adapter.
     *
     * @param layer the 0-based layer
     * @param target the linear
     * @return true when adapted
     */
    public boolean adapts(int layer, Target target) {
        return targets.contains(target) && (layers.isEmpty() || layers.contains(layer));
    }

    /**
     * The settings as JSON (PEFT's {@code adapter_config.json} keys where they exist).
     *
     * @return the JSON object
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("peft_type", "LORA");
        json.addProperty("r", rank);
        json.addProperty("lora_alpha", alpha);
        json.addProperty("lora_dropout", dropout);
        JsonArray t = new JsonArray();
        targets.forEach(x -> t.add(x.configName()));
        json.add("target_modules", t);
        JsonArray l = new JsonArray();
        layers.forEach(l::add);
        json.add("layers_to_transform", l);
        return json;
    }

    /**
     * Reads {@link #toJson}'s output.
     *
     * @param json the object
     * @param where the file, for messages
     * @return the configuration
     */
    public static LoraConfig fromJson(JsonObject json, String where) {
        Set<Target> targets = EnumSet.noneOf(Target.class);
        for (JsonElement e : json.getAsJsonArray("target_modules")) {
            targets.add(target(e.getAsString(), where));
        }
        Set<Integer> layers = new TreeSet<>();
        if (json.has("layers_to_transform")) {
            json.getAsJsonArray("layers_to_transform").forEach(e -> layers.add(e.getAsInt()));
        }
        return new LoraConfig(JsonFiles.requireInt(json, "r", where), json.get("lora_alpha").getAsDouble(),
                JsonFiles.optDouble(json, "lora_dropout", 0), targets, layers);
    }

    /**
     * A target by its configuration name.
     *
     * @param name e.g. "query"
     * @param where the file or key, for the message
     * @return the target
     */
    public static Target target(String name, String where) {
        for (Target t : Target.values()) {
            if (t.configName().equals(name) || t.module().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(where + " names LoRA target '" + name + "': use query, key, value, "
                + "attention_output, intermediate or output");
    }
}
