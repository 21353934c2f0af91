package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.Arrays;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * The mean of the losses each multiplied by the weight of its anchor's class, PML's {@code ClassWeightedReducer}:
 * {@code mean_k(loss_k · w[y_{anchor(k)}])}, for element, pair and triplet losses alike (a pair or a triplet is
 * weighted by its anchor's label). The loss must state the anchor of each of its losses; one that does not is
 * refused with a message, as are a label without a weight and label sets (no single class per row).
 */
public final class ClassWeightedReducer implements TermsReducer, Configurable {

    /** One weight per class, indexed by label. */
    public static final Setting<double[]> WEIGHTS = Setting.required("weights", double[].class, "list of numbers",
            ClassWeightedReducer::readWeights, ClassWeightedReducer::writeWeights,
            "the weight of each class, indexed by label (finite)");
    /** The declaration. */
    public static final ComponentSpec<ClassWeightedReducer> SPEC = ComponentSpec.of("class_weighted",
            ClassWeightedReducer.class, ClassWeightedReducer::new, WEIGHTS);

    private final Settings settings;
    private final double[] weights;

    private ClassWeightedReducer(Settings settings) {
        this.settings = settings;
        this.weights = settings.get(WEIGHTS).clone();
        if (weights.length == 0 || Arrays.stream(weights).anyMatch(w -> !Double.isFinite(w))) {
            throw new IllegalArgumentException("class_weighted needs at least one finite weight, got "
                    + Arrays.toString(weights));
        }
    }

    /**
     * The reducer with one weight per class.
     *
     * @param weights {@code weights[c]} multiplies the losses whose anchor has label c
     * @return the reducer
     */
    public static ClassWeightedReducer of(double... weights) {
        return SPEC.create(Settings.of(SPEC, Map.of(WEIGHTS, weights.clone())));
    }

    @Override
    public NDArray reduce(Terms terms, NDArray zero) {
        terms.requireAnchors("weight each loss by its anchor's class");
        NDArray labels = terms.labels();
        if (labels.getShape().dimension() != 1) {
            throw new IllegalArgumentException("class_weighted weights each loss by its anchor's class, but "
                    + terms.source() + " has label sets " + labels.getShape() + ", which name no single class per "
                    + "row; use per_anchor, mean or avg_non_zero with label sets, or give one label per row");
        }
        long max = labels.max().getLong();
        if (labels.min().getLong() < 0 || max >= weights.length) {
            throw new IllegalArgumentException("class_weighted has " + weights.length + " weights but " + terms
                    .source() + " has labels in [" + labels.min().getLong() + ", " + max + "]; give one weight per "
                    + "class");
        }
        NDArray losses = terms.losses();
        NDArray perRow = labels.getManager().create(weights).toType(losses.getDataType(), false).get(labels);
        NDArray anchors = terms.anchorsPerLoss();
        NDArray w = perRow.get(anchors.flatten()).reshape(losses.getShape());
        NDArray weighted = losses.mul(w);
        if (terms.mask() == null) {
            return losses.size() == 0 ? zero : weighted.mean();
        }
        NDArray sum = NDArrays.where(terms.mask(), weighted, Scalars.of(weighted, 0)).sum();
        NDArray count = terms.mask().toType(DataType.INT64, false).sum();
        return sum.div(Scalars.max(count, 1).toType(sum.getDataType(), false)).add(zero);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    private static double[] readWeights(JsonElement json) {
        if (!json.isJsonArray()) {
            throw new IllegalArgumentException("must be a list of numbers, got " + json);
        }
        double[] out = new double[json.getAsJsonArray().size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = json.getAsJsonArray().get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("must be a list of numbers, got " + json);
            }
            out[i] = e.getAsDouble();
        }
        return out;
    }

    private static JsonElement writeWeights(double[] weights) {
        JsonArray out = new JsonArray();
        Arrays.stream(weights).forEach(out::add);
        return out;
    }
}
