package org.quaterion.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.quaterion.loss.ClassWeightLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.RegularizedLoss;
import org.quaterion.loss.Regularizer;
import org.quaterion.loss.Regularizers;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.settings.ComponentSpec;

/**
 * The YAML keys {@code embedding_regularizer} and {@code weight_regularizer} of the {@code loss} section (PML's
 * regularizers with their {@code *_reg_weight}), each a map {@code {type: lp, weight: 1, …settings}}: {@code type}
 * one of {@link Regularizers#SPECS} ({@code lp} when absent, so {@code {p: 2, power: 1, weight: 0.1}} is an
 * {@code LpRegularizer}), {@code weight} the factor (default 1), the rest the regularizer's settings (PML's
 * defaults; {@code sparse_centers} takes its sizes from the loss's centres). The configured loss runs inside
 * {@link RegularizedLoss}.
 */
final class RegularizerSettings {

    static final String EMBEDDING = "embedding_regularizer";
    static final String WEIGHT = "weight_regularizer";
    private static final String FACTOR = "weight";

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
        Regularizer e = embedding == null ? null : regularizer(embedding, EMBEDDING);
        Regularizer w = weight == null ? null : regularizer(withCenters(weight, inner), WEIGHT);
        RegularizedLoss.Terms terms = new RegularizedLoss.Terms(e, e == null ? 0 : factor(embedding), w,
                w == null ? 0 : factor(weight));
        if (inner instanceof GroupLoss g) {
            return RegularizedLoss.of(g, terms);
        }
        return RegularizedLoss.of((PairwiseLoss) inner, terms);
    }

    /**
     * A {@code sparse_centers} weight regularizer takes its sizes from the loss's centre matrix (the classes come from
     * the data), so they are not given in the YAML.
     */
    private static JsonElement withCenters(JsonElement weight, SimilarityLoss inner) {
        if (!weight.isJsonObject() || !"sparse_centers".equals(text(weight.getAsJsonObject().get(Regularizers.TYPE)))) {
            return weight;
        }
        JsonObject config = weight.getAsJsonObject().deepCopy();
        for (String k : List.of("num_classes", "centers_per_class")) {
            if (config.has(k)) {
                throw new IllegalArgumentException(WEIGHT + ": sparse_centers takes " + k + " from the loss's "
                        + "centres; remove it");
            }
        }
        if (!(inner instanceof ClassWeightLoss c)) {
            throw new IllegalArgumentException(WEIGHT + ": sparse_centers regularizes a loss's centres (soft_triple); "
                    + inner.getClass().getSimpleName() + " has none");
        }
        config.addProperty("num_classes", c.numClasses());
        config.addProperty("centers_per_class", c.weightRows() / c.numClasses());
        return config;
    }

    private static String text(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static Regularizer regularizer(JsonElement e, String key) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(key + " must be a map such as {type: lp, p: 2, power: 1, weight: 0.1};"
                    + " got " + e);
        }
        JsonObject config = e.getAsJsonObject().deepCopy();
        config.remove(FACTOR);
        JsonElement type = config.get(Regularizers.TYPE);
        ComponentSpec<? extends Regularizer> spec;
        try {
            spec = Regularizers.spec(type == null ? "lp" : type.getAsString());
        } catch (IllegalArgumentException | UnsupportedOperationException | IllegalStateException bad) {
            throw new IllegalArgumentException(key + ": " + bad.getMessage(), bad);
        }
        List<String> keys = new ArrayList<>(List.of(Regularizers.TYPE, FACTOR));
        keys.addAll(spec.keys());
        for (String k : config.keySet()) {
            if (!keys.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' under " + key + "; the " + spec.name()
                        + " regularizer takes " + String.join(", ", keys));
            }
        }
        try {
            return Regularizers.read(config);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(key + ": " + bad.getMessage(), bad);
        }
    }

    private static double factor(JsonElement e) {
        JsonObject o = e.getAsJsonObject();
        return o.has(FACTOR) ? o.get(FACTOR).getAsDouble() : 1;
    }
}
