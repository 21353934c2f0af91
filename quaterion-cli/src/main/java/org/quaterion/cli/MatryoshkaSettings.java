package org.quaterion.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.function.Function;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.MatryoshkaLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.SimilarityLoss;

/**
 * The YAML keys {@code matryoshka_dims} (and optional {@code matryoshka_weights}) of the {@code loss} section: the
 * configured loss runs inside {@link MatryoshkaLoss} on those prefix sizes.
 */
final class MatryoshkaSettings {

    static final String DIMS = "matryoshka_dims";
    static final String WEIGHTS = "matryoshka_weights";

    private MatryoshkaSettings() {}

    /**
     * Builds the loss from its settings without the Matryoshka keys, and wraps it when they are present.
     *
     * @param settings the loss section's settings
     * @param build the registry call for the remaining settings
     * @return the loss
     */
    static SimilarityLoss build(JsonObject settings, Function<JsonObject, SimilarityLoss> build) {
        JsonObject rest = settings.deepCopy();
        JsonElement dims = rest.remove(DIMS);
        JsonElement weights = rest.remove(WEIGHTS);
        SimilarityLoss inner = build.apply(rest);
        if (dims == null) {
            if (weights != null) {
                throw new IllegalArgumentException(WEIGHTS + " needs " + DIMS + " (the prefix sizes)");
            }
            return inner;
        }
        int[] d = ints(dims);
        double[] w = weights == null ? null : doubles(weights);
        if (inner instanceof GroupLoss g) {
            return MatryoshkaLoss.of(g, d, w);
        }
        return MatryoshkaLoss.of((PairwiseLoss) inner, d, w);
    }

    private static int[] ints(JsonElement e) {
        JsonArray a = array(e, DIMS);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static double[] doubles(JsonElement e) {
        JsonArray a = array(e, WEIGHTS);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    private static JsonArray array(JsonElement e, String key) {
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(key + " must be a list of numbers, e.g. [384, 192, 96]; got " + e);
        }
        return e.getAsJsonArray();
    }
}
