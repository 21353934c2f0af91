package org.quaterion.models.python;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.quaterion.models.ModelFormatException;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.SoftmaxEmbeddingsHead;
import org.quaterion.models.heads.StackedProjectionHead;
import org.quaterion.models.heads.WideningHead;
import org.quaterion.models.internal.JsonFiles;

/**
 * Loads a servable saved by Python Quaterion's {@code SimilarityModel.save} ({@code config.json},
 * {@code head/config.json}, {@code head/weights.bin}, {@code encoders/<key>/}) as a Java {@link SimilarityModel}.
 * The head's class maps to ours (same math, same parameter names) and its weights are read from PyTorch's state-dict
 * file without Python. Encoders are Python code, so they are supplied as Java encoders, one per key of the Python
 * model — typically the same network exported to ONNX or TorchScript ({@code TorchScriptEncoder}, {@code
 * OnnxSentenceEncoder}); docs/coming-from-quaterion.md shows the export. Save the result with
 * {@link SimilarityModel#save} to serve it like any Java-trained model: the record type given here is saved with it,
 * so that {@code SimilarityModel.load(dir, recordType)} checks it.
 */
public final class PythonServable {

    private static final Map<String, String> HEAD_TYPES = Map.of(
            "EmptyHead", EmptyHead.TYPE,
            "GatedHead", GatedHead.TYPE,
            "SkipConnectionHead", SkipConnectionHead.TYPE,
            "StackedProjectionHead", StackedProjectionHead.TYPE,
            "WideningHead", WideningHead.TYPE,
            "SoftmaxEmbeddingsHead", SoftmaxEmbeddingsHead.TYPE);

    private PythonServable() {}

    /**
     * Loads the Python servable at {@code dir} with the given encoders, without a record type: a Java servable saved
     * from it records none, and its typed loads are unchecked.
     *
     * @param dir the directory Python's {@code SimilarityModel.save} (or {@code save_servable}) wrote
     * @param encoders one Java encoder per encoder key of the Python model (a single encoder's key is
     *     {@code "default"}), producing what the Python encoder produced
     * @param <T> the record type
     * @return the model, in float32 on the default device
     * @throws IOException when a file cannot be read
     * @throws ModelFormatException when the directory is not a Python Quaterion servable, its head type has no Java
     *     counterpart, or its weights do not fit the head
     * @throws IllegalArgumentException when the encoders do not match the model's keys or sizes
     * @deprecated use {@link #load(Path, Map, Class)}, which records the record type
     */
    @Deprecated(since = "0.1.0")
    public static <T> SimilarityModel<T> load(Path dir, Map<String, Encoder<T>> encoders) throws IOException {
        return read(dir, encoders, null);
    }

    /**
     * Loads the Python servable at {@code dir} with the given encoders, for records of the given type (recorded in
     * the Java servable that {@link SimilarityModel#save} writes from it).
     *
     * @param dir the directory Python's {@code SimilarityModel.save} (or {@code save_servable}) wrote
     * @param encoders one Java encoder per encoder key of the Python model (a single encoder's key is
     *     {@code "default"}), producing what the Python encoder produced
     * @param recordType the records the encoders take, e.g. {@code String.class} or {@code float[].class}
     * @param <T> the record type
     * @return the model, in float32 on the default device
     * @throws IOException when a file cannot be read
     * @throws ModelFormatException when the directory is not a Python Quaterion servable, its head type has no Java
     *     counterpart, or its weights do not fit the head
     * @throws IllegalArgumentException when the encoders do not match the model's keys or sizes
     */
    public static <T> SimilarityModel<T> load(Path dir, Map<String, Encoder<T>> encoders, Class<T> recordType)
            throws IOException {
        return read(dir, encoders, java.util.Objects.requireNonNull(recordType, "recordType"));
    }

    private static <T> SimilarityModel<T> read(Path dir, Map<String, Encoder<T>> encoders, Class<T> recordType)
            throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(dir.resolve("head/config.json"))) {
            throw new ModelFormatException(dir, "is not a Python Quaterion servable (no config.json and "
                    + "head/config.json); it is what quaterion_models' SimilarityModel.save writes");
        }
        JsonObject config = JsonFiles.read(configFile);
        String headClass = config.getAsJsonObject("head").get("class").getAsString();
        String type = HEAD_TYPES.get(headClass);
        if (type == null) {
            throw new ModelFormatException(configFile, "has a " + headClass + " head, which has no Java counterpart "
                    + "(supported: " + new TreeSet<>(HEAD_TYPES.keySet()) + "; a SequentialHead is a pickled "
                    + "module: rebuild it as a StackedProjectionHead in Python and save again)");
        }
        Set<String> keys = new TreeSet<>();
        for (JsonElement e : config.getAsJsonArray("encoders")) {
            keys.add(e.getAsJsonObject().get("key").getAsString());
        }
        if (!keys.equals(new TreeSet<>(encoders.keySet()))) {
            throw new IllegalArgumentException("the Python model has encoders " + keys + ", the Java encoders given "
                    + "are " + new TreeSet<>(encoders.keySet()) + ": give one per key");
        }
        JsonObject description = new JsonObject();
        description.addProperty("type", type);
        description.add("config", JsonFiles.read(dir.resolve("head/config.json")));
        EncoderHead head = ModelRegistry.discover().createHead(description);
        SimilarityModel.Builder<T> builder = SimilarityModel.<T>builder().setHead(head);
        if (recordType != null) {
            builder.optRecordType(recordType);
        }
        encoders.forEach(builder::addEncoder);
        SimilarityModel<T> model = builder.build();
        try {
            setWeights(model.head(), TorchStateDict.read(dir.resolve("head/weights.bin")), dir);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void setWeights(EncoderHead head, Map<String, TorchStateDict.Tensor> weights, Path dir) {
        Map<String, Parameter> params = head.namedParameters();
        if (!params.keySet().equals(weights.keySet())) {
            throw new ModelFormatException(dir.resolve("head/weights.bin"), "has parameters "
                    + new TreeSet<>(weights.keySet()) + ", the " + head.getClass().getSimpleName() + " expects "
                    + new TreeSet<>(params.keySet()) + " (heads saved before quaterion_models 0.1.19 used other "
                    + "names; load and save them with a newer version)");
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            TorchStateDict.Tensor tensor = weights.get(e.getKey());
            NDArray array = e.getValue().getArray();
            if (!array.getShape().equals(new Shape(tensor.shape()))) {
                throw new ModelFormatException(dir.resolve("head/weights.bin"), "holds " + e.getKey() + " of shape "
                        + Arrays.toString(tensor.shape()) + ", the head's config says " + array.getShape());
            }
            if (array.getDataType() == DataType.FLOAT64) {
                array.set(tensor.values());
            } else {
                float[] values = new float[tensor.values().length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) tensor.values()[i];
                }
                array.set(values);
            }
        }
    }
}
