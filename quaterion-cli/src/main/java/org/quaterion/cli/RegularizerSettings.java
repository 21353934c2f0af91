package org.quaterion.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Set;
import java.util.function.Function;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.LpRegularizer;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.RegularizedLoss;
import org.quaterion.loss.SimilarityLoss;

/**
 * The YAML keys {@code embedding_regularizer} and {@code weight_regularizer} of the {@code loss} section (PML's
 * {@code LpRegularizer} with its {@code *_reg_weight}), each a map {@code {p: 2, power: 1, weight: 1}} (all
 * optional, PML's defaults): the configured loss runs inside {@link RegularizedLoss}.
 */
final class RegularizerSettings {

    static final String EMBEDDING = "embedding_regularizer";
    static final String WEIGHT = "weight_regularizer";
    private static final Set<String> KEYS = Set.of("p", "power", "weight");

    private RegularizerSettings() {}

    /**
     * Builds the loss from its settings without the regularizer keys, and wraps it when they are present.
     *
     * @param settings the loss section's settings
     * @param build builds the loss from the remaining settings
     * @return the loss
     */
    static SimilarityLoss build(JsonObject settings, Function<JsonObject, SimilarityLoss> build) {
        JsonObject rest = settings.deepCopy();
        JsonElement embedding = rest.remove(EMBEDDING);
        JsonElement weight = rest.remove(WEIGHT);
        SimilarityLoss inner = build.apply(rest);
        if (embedding == null && weight == null) {
            return inner;
        }
        LpRegularizer e = embedding == null ? null : regularizer(embedding, EMBEDDING);
        LpRegularizer w = weight == null ? null : regularizer(weight, WEIGHT);
        RegularizedLoss.Terms terms = new RegularizedLoss.Terms(e, e == null ? 0 : factor(embedding), w,
                w == null ? 0 : factor(weight));
        if (inner instanceof GroupLoss g) {
            return RegularizedLoss.of(g, terms);
        }
        return RegularizedLoss.of((PairwiseLoss) inner, terms);
    }

    private static JsonObject map(JsonElement e, String key) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(key + " must be a map such as {p: 2, power: 1, weight: 0.1}; got " + e);
        }
        for (String k : e.getAsJsonObject().keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' under " + key + "; use p, power, weight");
            }
        }
        return e.getAsJsonObject();
    }

    private static LpRegularizer regularizer(JsonElement e, String key) {
        JsonObject o = map(e, key);
        return new LpRegularizer(o.has("p") ? o.get("p").getAsInt() : 2,
                o.has("power") ? o.get("power").getAsDouble() : 1);
    }

    private static double factor(JsonElement e) {
        JsonObject o = e.getAsJsonObject();
        return o.has("weight") ? o.get("weight").getAsDouble() : 1;
    }
}
