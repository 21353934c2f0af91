package org.quaterion.rerank.pairwise;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The pairwise re-ranker's architecture and training settings.
 *
 * @param dim the size of each feature vector of a pair
 * @param features how a pair is combined into the MLP's input (at least one part, none twice)
 * @param hidden the hidden layers' widths (sigmoid activation and dropout after each, as OML's head); empty for a
 *     linear scorer
 * @param dropout the dropout after each hidden layer, in {@code [0, 1)}
 * @param learningRate Adam's learning rate
 * @param epochs passes over the training pairs
 * @param batchSize pairs per step
 * @param seed seeds the initialisation, the dropout and the order of the pairs
 */
public record PairwiseConfig(int dim, List<PairFeatures> features, List<Integer> hidden, double dropout,
        double learningRate, int epochs, int batchSize, long seed) {

    /** Checks the settings; the lists are copied. */
    public PairwiseConfig {
        if (dim < 1) {
            throw new IllegalArgumentException("dim is the feature vectors' size, at least 1; got " + dim);
        }
        if (features == null || features.isEmpty() || EnumSet.copyOf(features).size() != features.size()) {
            throw new IllegalArgumentException("give at least one pair feature (CONCAT, ABS_DIFF, PRODUCT), each "
                    + "once; got " + features);
        }
        features = List.copyOf(features);
        hidden = List.copyOf(hidden);
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer widths must be at least 1; got " + hidden);
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1); got " + dropout);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be finite and > 0; got " + learningRate);
        }
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be at least 1; got " + epochs + " and "
                    + batchSize);
        }
    }

    /**
     * Defaults for vectors of {@code dim}: {@code |a − b|} and {@code a ⊙ b} (symmetric in the pair), one hidden
     * layer of 100 (OML's example head), dropout 0.5 (OML's), Adam at 1e-3, 3 epochs, batches of 256, seed 42.
     *
     * @param dim the feature vectors' size
     * @return the settings
     */
    public static PairwiseConfig defaults(int dim) {
        return new PairwiseConfig(dim, List.of(PairFeatures.ABS_DIFF, PairFeatures.PRODUCT), List.of(100), 0.5, 1e-3,
                3, 256, 42);
    }

    /**
     * These settings with other pair features.
     *
     * @param parts the parts, concatenated in this order
     * @return the new settings
     */
    public PairwiseConfig withFeatures(PairFeatures... parts) {
        return new PairwiseConfig(dim, List.of(parts), hidden, dropout, learningRate, epochs, batchSize, seed);
    }

    /**
     * These settings with other hidden layers.
     *
     * @param widths the widths; none for a linear scorer
     * @return the new settings
     */
    public PairwiseConfig withHidden(int... widths) {
        List<Integer> list = new ArrayList<>();
        for (int w : widths) {
            list.add(w);
        }
        return new PairwiseConfig(dim, features, list, dropout, learningRate, epochs, batchSize, seed);
    }

    /**
     * These settings with another dropout.
     *
     * @param p the dropout after each hidden layer
     * @return the new settings
     */
    public PairwiseConfig withDropout(double p) {
        return new PairwiseConfig(dim, features, hidden, p, learningRate, epochs, batchSize, seed);
    }

    /**
     * These settings with other training settings.
     *
     * @param lr Adam's learning rate
     * @param passes epochs
     * @param batch pairs per step
     * @return the new settings
     */
    public PairwiseConfig withTraining(double lr, int passes, int batch) {
        return new PairwiseConfig(dim, features, hidden, dropout, lr, passes, batch, seed);
    }

    /**
     * These settings with another seed.
     *
     * @param s the seed
     * @return the new settings
     */
    public PairwiseConfig withSeed(long s) {
        return new PairwiseConfig(dim, features, hidden, dropout, learningRate, epochs, batchSize, s);
    }

    /** The MLP's input width. */
    int inputWidth() {
        return PairFeatures.width(features, dim);
    }

    /** These settings as JSON (the saved re-ranker's config). */
    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("dim", dim);
        JsonArray f = new JsonArray();
        features.forEach(p -> f.add(p.name()));
        o.add("features", f);
        JsonArray h = new JsonArray();
        hidden.forEach(h::add);
        o.add("hidden", h);
        o.addProperty("dropout", dropout);
        o.addProperty("learning_rate", learningRate);
        o.addProperty("epochs", epochs);
        o.addProperty("batch_size", batchSize);
        o.addProperty("seed", seed);
        return o;
    }

    /** Settings read back from {@link #toJson}; a malformed field throws. */
    static PairwiseConfig fromJson(JsonObject o) {
        List<PairFeatures> f = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("features")) {
            f.add(PairFeatures.valueOf(e.getAsString()));
        }
        List<Integer> h = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("hidden")) {
            h.add(e.getAsInt());
        }
        return new PairwiseConfig(o.get("dim").getAsInt(), f, h, o.get("dropout").getAsDouble(),
                o.get("learning_rate").getAsDouble(), o.get("epochs").getAsInt(), o.get("batch_size").getAsInt(),
                o.get("seed").getAsLong());
    }
}
