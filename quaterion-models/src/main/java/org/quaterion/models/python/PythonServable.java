package org.quaterion.models.python;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

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
     * <p>The files are read as untrusted input: only regular files are opened, the head's settings are bounded
     * ({@link org.quaterion.models.heads.HeadLimits}) before the head is built, and the weights are read without
     * allocating from any size the file declares before checking it (see docs/reliability.md).
     *
     * @param dir the directory Python's {@code SimilarityModel.save} (or {@code save_servable}) wrote
     * @param encoders one Java encoder per encoder key of the Python model (a single encoder's key is
     *     {@code "default"}), producing what the Python encoder produced
     * @param <T> the record type
     * @return the model, in float32 on the default device
     * @throws IOException when a file cannot be read
     * @throws CorruptArtifactException when a file is damaged (JSON that does not parse, a truncated or inconsistent
     *     weights archive)
     * @throws ModelFormatException when the directory is not a Python Quaterion servable, its head type has no Java
     *     counterpart, its settings are out of bounds, its weights do not fit the head, or the encoders given do not
     *     match its keys or sizes; the message names the file
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
     * @throws CorruptArtifactException when a file is damaged (JSON that does not parse, a truncated or inconsistent
     *     weights archive)
     * @throws ModelFormatException when the directory is not a Python Quaterion servable, its head type has no Java
     *     counterpart, its settings are out of bounds, its weights do not fit the head, or the encoders given do not
     *     match its keys or sizes; the message names the file
     */
    public static <T> SimilarityModel<T> load(Path dir, Map<String, Encoder<T>> encoders, Class<T> recordType)
            throws IOException {
        return read(dir, encoders, java.util.Objects.requireNonNull(recordType, "recordType"));
    }

    private static <T> SimilarityModel<T> read(Path dir, Map<String, Encoder<T>> encoders, Class<T> recordType)
            throws IOException {
        Path configFile = dir.resolve("config.json");
        Path headConfig = dir.resolve("head/config.json");
        Path weights = dir.resolve("head/weights.bin");
        if (!Files.exists(configFile, LinkOption.NOFOLLOW_LINKS)
                || !Files.exists(headConfig, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelFormatException(dir, "is not a Python Quaterion servable (no config.json and "
                    + "head/config.json); it is what quaterion_models' SimilarityModel.save writes");
        }
        JsonObject config = JsonFiles.read(configFile);
        String headClass = string(member(config, "head", configFile), "class", configFile);
        String type = HEAD_TYPES.get(headClass);
        if (type == null) {
            throw new ModelFormatException(configFile, "has a " + headClass + " head, which has no Java counterpart "
                    + "(supported: " + new TreeSet<>(HEAD_TYPES.keySet()) + "; a SequentialHead is a pickled "
                    + "module: rebuild it as a StackedProjectionHead in Python and save again)");
        }
        Set<String> keys = new TreeSet<>();
        JsonElement list = config.get("encoders");
        if (list == null || !list.isJsonArray()) {
            throw new ModelFormatException(configFile, "has no 'encoders' list: it is not a Python Quaterion servable "
                    + "config");
        }
        for (JsonElement e : list.getAsJsonArray()) {
            keys.add(string(e, "key", configFile));
        }
        if (!keys.equals(new TreeSet<>(encoders.keySet()))) {
            throw new ModelFormatException(configFile, "lists encoders " + keys + ", the Java encoders given are "
                    + new TreeSet<>(encoders.keySet()) + ": give one per key");
        }
        JsonObject description = new JsonObject();
        description.addProperty("type", type);
        description.add("config", JsonFiles.read(headConfig));
        EncoderHead head;
        try {
            head = ModelRegistry.discover().createHead(description);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(headConfig, "does not describe a " + headClass + " that can be built: "
                    + e.getMessage(), e);
        }
        int produced = SimilarityModel.encodersOutputSize(encoders);
        if (head.inputSize() != produced) {
            throw new ModelFormatException(headConfig, "declares input_embedding_size " + head.inputSize() + " but "
                    + "the encoders given produce " + produced + ": give the encoders the Python model was saved with");
        }
        SimilarityModel.Builder<T> builder = SimilarityModel.<T>builder().setHead(head);
        if (recordType != null) {
            builder.optRecordType(recordType);
        }
        encoders.forEach(builder::addEncoder);
        SimilarityModel<T> model = builder.build();
        try {
            Map<String, Parameter> params = head.namedParameters();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            params.forEach((name, p) -> shapes.put(name, p.getArray().getShape().getShape()));
            setWeights(params, TorchStateDict.read(weights, shapes, head.getClass().getSimpleName()));
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static JsonObject member(JsonObject json, String key, Path file) {
        JsonElement e = json.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new ModelFormatException(file, "has no '" + key + "' object: it is not a Python Quaterion servable "
                    + "config");
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonElement json, String key, Path file) {
        JsonElement e = json.isJsonObject() ? json.getAsJsonObject().get(key) : null;
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ModelFormatException(file, "needs a string '" + key + "' where it has " + (e == null ? "none"
                    : e.toString().length() > 80 ? e.toString().substring(0, 80) + "..." : e.toString()));
        }
        return e.getAsString();
    }

    /** Copies the tensors, whose names and shapes {@link TorchStateDict} has checked, into the parameters. */
    private static void setWeights(Map<String, Parameter> params, Map<String, TorchStateDict.Tensor> weights) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            double[] values = weights.get(e.getKey()).values();
            NDArray array = e.getValue().getArray();
            if (array.getDataType() == DataType.FLOAT64) {
                array.set(values);
            } else {
                float[] floats = new float[values.length];
                for (int i = 0; i < floats.length; i++) {
                    floats[i] = (float) values[i];
                }
                array.set(floats);
            }
        }
    }
}
