package org.quaterion.models.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

/**
 * A linear softmax classifier on a similarity model's embeddings (the stage-2 "linear probe" of SupCon, trained by
 * {@code org.quaterion.classify.LinearProbe}): {@code p = softmax(W·e + b)} over the classes.
 *
 * <p>It is its own artifact directory ({@code classifier.json}, written atomically; {@link #save}), kept next to the
 * servable it was trained on, and is used with that model: {@link #classify(SimilarityModel, List, int)}. Immutable
 * and thread-safe.
 */
public final class LinearClassifier {

    /** The format name in {@code classifier.json}. */
    public static final String FORMAT = "quaterion-linear-classifier";
    private static final String KIND = "linear-classifier";
    private static final String FILE = "classifier.json";

    private final long[] classes;
    private final float[][] weights;
    private final float[] bias;

    /**
     * A prediction: the most probable class and every class's probability.
     *
     * @param label the predicted class (ties: the first in {@link #classes()} order)
     * @param probabilities one per class, in {@link #classes()} order, summing to 1
     */
    public record Prediction(long label, float[] probabilities) {}

    /**
     * Creates the classifier.
     *
     * @param classes the class labels, distinct, one per row of {@code weights}
     * @param weights {@code (C, D)}
     * @param bias {@code (C)}
     */
    public LinearClassifier(long[] classes, float[][] weights, float[] bias) {
        if (classes.length < 2 || weights.length != classes.length || bias.length != classes.length) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes and one weight row and bias per "
                    + "class, got " + classes.length + " classes, " + weights.length + " rows, " + bias.length
                    + " biases");
        }
        if (Arrays.stream(classes).distinct().count() != classes.length) {
            throw new IllegalArgumentException("class labels must be distinct, got " + Arrays.toString(classes));
        }
        int d = weights[0].length;
        for (int i = 0; i < weights.length; i++) {
            float[] row = weights[i];
            if (row.length != d || d == 0) {
                throw new IllegalArgumentException("every weight row needs the same non-zero length " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException("classifier weights must be finite, but weight [" + i + "]["
                            + j + "] is " + row[j]);
                }
            }
        }
        for (int i = 0; i < bias.length; i++) {
            if (!Float.isFinite(bias[i])) {
                throw new IllegalArgumentException("classifier biases must be finite, but bias [" + i + "] is "
                        + bias[i]);
            }
        }
        this.classes = classes.clone();
        this.weights = Arrays.stream(weights).map(float[]::clone).toArray(float[][]::new);
        this.bias = bias.clone();
    }

    /**
     * The class labels, in the order of the probabilities.
     *
     * @return a copy
     */
    public long[] classes() {
        return classes.clone();
    }

    /**
     * The embedding size the classifier takes.
     *
     * @return D
     */
    public int embeddingSize() {
        return weights[0].length;
    }

    /**
     * Classifies embeddings. The logits are computed in float64 and each row's maximum is subtracted before the
     * exponential, so large (finite) weights give probabilities, never NaN.
     *
     * @param embeddings {@code (n, D)}, finite
     * @return one prediction per row
     * @throws IllegalArgumentException when the embeddings have the wrong width or a row's logits are not finite
     */
    public Prediction[] classify(NDArray embeddings) {
        if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(1) != embeddingSize()) {
            throw new IllegalArgumentException("the classifier takes (n, " + embeddingSize() + ") embeddings, got "
                    + embeddings.getShape() + "; use it with the model it was trained on");
        }
        int n = (int) embeddings.getShape().get(0);
        int c = classes.length;
        float[] flat;
        try (NDManager m = embeddings.getManager().newSubManager()) {
            // float64: W·e overflows float32 for weights near its range (3e38), and ∞ − ∞ is NaN
            NDArray w = m.create(weights).toType(DataType.FLOAT64, false);
            NDArray logits = embeddings.toType(DataType.FLOAT64, false).matMul(w.transpose())
                    .add(m.create(bias).toType(DataType.FLOAT64, false));
            NDArray max = logits.max(new int[] {1}, true);
            if (!Double.isFinite(max.abs().max().getDouble())) {
                throw new IllegalArgumentException("the classifier's logits are not finite for these embeddings "
                        + "(an embedding holds NaN or infinity, or its values are too large): check the model's "
                        + "output");
            }
            NDArray exp = logits.sub(max).exp(); // the row maximum becomes exp(0) = 1: no overflow
            flat = exp.div(exp.sum(new int[] {1}, true)).toType(DataType.FLOAT32, false).toFloatArray();
        }
        Prediction[] out = new Prediction[n];
        for (int i = 0; i < n; i++) {
            float[] p = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
            int best = 0;
            for (int j = 1; j < c; j++) {
                best = p[j] > p[best] ? j : best;
            }
            out[i] = new Prediction(classes[best], p);
        }
        return out;
    }

    /**
     * Encodes records with the model and classifies them.
     *
     * @param model the model the classifier was trained on
     * @param records the records
     * @param batchSize records per forward pass
     * @param <T> record type
     * @return one prediction per record
     */
    public <T> Prediction[] classify(SimilarityModel<T> model, List<T> records, int batchSize) {
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            return classify(model.encodeToArray(records, batchSize, m));
        }
    }

    /**
     * Writes the classifier to a directory (atomically; an existing directory is replaced only if it holds a
     * classifier).
     *
     * @param dir the directory
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("type", "linear_softmax");
        json.addProperty("embedding_size", embeddingSize());
        JsonArray c = new JsonArray();
        Arrays.stream(classes).forEach(c::add);
        json.add("classes", c);
        JsonArray w = new JsonArray();
        for (float[] row : weights) {
            JsonArray r = new JsonArray();
            for (float v : row) {
                r.add(v);
            }
            w.add(r);
        }
        json.add("weights", w);
        JsonArray b = new JsonArray();
        for (float v : bias) {
            b.add(v);
        }
        json.add("bias", b);
        AtomicDirectory.write(dir, KIND, tmp -> JsonFiles.write(tmp.resolve(FILE), json));
    }

    /** A class label: a whole number (a label such as 0.5 would otherwise be read as 0). */
    private static long label(Path file, com.google.gson.JsonElement value, int index) {
        java.math.BigDecimal number;
        try {
            number = value.getAsBigDecimal();
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "has class label " + value + " at index " + index + ", which is not "
                    + "a number: class labels are whole numbers", e);
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException e) {
            throw new ModelFormatException(file, "has class label " + value + " at index " + index + ", which is not "
                    + "a whole number in the long range: class labels are whole numbers (0, 1, 2, ...)", e);
        }
    }

    /**
     * Reads a classifier {@link #save} wrote.
     *
     * @param dir the directory
     * @return the classifier
     * @throws ModelFormatException when the directory holds no valid classifier
     */
    public static LinearClassifier load(Path dir) {
        Path file = dir.resolve(FILE);
        JsonObject json = JsonFiles.read(file);
        if (!json.has("format") || !FORMAT.equals(json.get("format").getAsString())) {
            throw new ModelFormatException(file, "is not a Quaterion linear classifier (format " + json.get("format")
                    + ")");
        }
        try {
            JsonArray c = json.getAsJsonArray("classes");
            long[] classes = new long[c.size()];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = label(file, c.get(i), i);
            }
            JsonArray w = json.getAsJsonArray("weights");
            float[][] weights = new float[w.size()][];
            for (int i = 0; i < weights.length; i++) {
                JsonArray r = w.get(i).getAsJsonArray();
                weights[i] = new float[r.size()];
                for (int j = 0; j < weights[i].length; j++) {
                    weights[i][j] = r.get(j).getAsFloat();
                }
            }
            JsonArray b = json.getAsJsonArray("bias");
            float[] bias = new float[b.size()];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = b.get(i).getAsFloat();
            }
            return new LinearClassifier(classes, weights, bias);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "is not a valid classifier: " + e.getMessage(), e);
        }
    }
}
