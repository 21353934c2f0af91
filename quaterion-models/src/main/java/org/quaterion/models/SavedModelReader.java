package org.quaterion.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.internal.ArtifactLimits;
import org.quaterion.models.internal.ParameterFiles;
import org.quaterion.models.internal.ParameterShapes;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a saved model directory that {@link SavedModelWriter} wrote: every member of {@code config.json} of the type
 * it is read as, the format and schema version, only listed files, their sizes and checksums, then the head and the
 * encoders through a {@link ModelRegistry}. Every refusal is a {@link ModelFormatException} naming the file.
 */
final class SavedModelReader {

    /** Logs under the model's class, the name services configure. */
    private static final Logger LOG = LoggerFactory.getLogger(SimilarityModel.class);

    private SavedModelReader() {}

    /**
     * Checks that a model's recorded record type is the caller's (or a subtype); {@code Object.class} takes any.
     *
     * @param dir the model directory, for messages
     * @param recorded the recorded class name, or null when none was recorded (then only logged)
     * @param expected the records the caller will encode
     * @throws IllegalArgumentException when the model takes records of another type
     */
    static void checkRecordType(Path dir, String recorded, Class<?> expected) {
        if (expected == Object.class) {
            return; // the caller takes any record type
        }
        if (recorded == null) {
            // info, not a warning: records of another type are still named at the first encode
            LOG.info("{} does not record the type of its records (built by hand without optRecordType, or saved by an "
                    + "older version); {} is not checked at load", dir, expected.getTypeName());
            return;
        }
        Class<?> actual;
        try {
            actual = Class.forName(recorded, false, expected.getClassLoader());
        } catch (ClassNotFoundException e) {
            actual = null;
        }
        if (actual == null || !expected.isAssignableFrom(actual)) {
            String name = actual == null ? recorded : actual.getTypeName();
            if (ai.djl.util.Pair.class.getName().equals(recorded)) {
                throw new IllegalArgumentException(dir + " is a cross-encoder's servable (it scores (query, document) "
                        + "pairs), not an encoder of " + expected.getTypeName() + " records: load it with "
                        + "org.quaterion.onnx.CrossEncoderModel.load(dir)");
            }
            throw new IllegalArgumentException(dir + " was trained on records of type " + name + ", not "
                    + expected.getTypeName() + ": encode " + name + " records with it (load(dir, "
                    + (actual == null ? name : actual.getSimpleName()) + ".class))");
        }
    }

    /**
     * Loads a saved model without checking its record type.
     *
     * @param dir the directory
     * @param registry resolves encoder and head type names
     * @param device the device to load onto, or null for the engine's default device
     * @param <T> the record type
     * @return the model
     * @throws ModelFormatException when the directory is not a loadable model
     */
    @SuppressWarnings("unchecked")
    static <T> SimilarityModel<T> load(Path dir, ModelRegistry registry, Device device) {
        Objects.requireNonNull(registry, "registry");
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir, "is not a directory: give the directory SimilarityModel.save wrote");
        }
        AtomicDirectory.removeLeftovers(dir); // of crashed saves; best effort
        Path configFile = dir.resolve(SavedModelLayout.CONFIG_FILE);
        JsonObject config = JsonFiles.read(configFile);
        checkStructure(configFile, config);
        checkHeader(configFile, config);
        verifyFiles(dir, configFile, config);
        DataType dataType = parseDataType(configFile, config);
        Prompts prompts = parsePrompts(configFile, config);
        NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
        try {
            EncoderHead head;
            try {
                head = registry.createHead(config.getAsJsonObject("head"));
            } catch (RuntimeException e) {
                throw new ModelFormatException(configFile, "has a head that cannot be built: " + e.getMessage(), e);
            }
            Path headParams = dir.resolve(SavedModelLayout.HEAD_PARAMETERS);
            ParameterFiles.check(headParams, head);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(headParams));
                    DataInputStream data = new DataInputStream(in)) {
                head.loadParameters(manager, data);
            } catch (IOException | MalformedModelException | RuntimeException e) {
                throw new ModelFormatException(headParams, "cannot be loaded into the " + head.typeName()
                        + " head: " + e.getMessage(), e);
            }
            ParameterShapes.check(headParams, head, registry.createHead(config.getAsJsonObject("head")), dataType,
                    new ai.djl.ndarray.types.Shape(1, head.inputSize()));
            LoadContext context = new LoadContext(manager, dataType, registry);
            Map<String, Encoder<T>> encoders = new TreeMap<>();
            for (JsonElement element : config.getAsJsonArray("encoders")) {
                JsonObject entry = element.getAsJsonObject();
                String key = entry.get("key").getAsString();
                String type = entry.get("type").getAsString();
                Path encoderDir = dir.resolve("encoders").resolve(SavedModelLayout.checkKey(key));
                try {
                    encoders.put(key, (Encoder<T>) registry.encoderFactory(type).load(encoderDir, context));
                } catch (ModelFormatException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw new ModelFormatException(encoderDir, "(encoder '" + key + "' of type '" + type
                            + "') cannot be loaded: " + e.getMessage(), e);
                }
            }
            SimilarityModel<T> model;
            try {
                model = new SimilarityModel<>(manager, encoders, head, dataType,
                        config.has("training") && config.get("training").isJsonObject()
                                ? config.getAsJsonObject("training") : null,
                        config.has("record_type") && config.get("record_type").isJsonPrimitive()
                                ? config.get("record_type").getAsString() : null, prompts);
            } catch (ModelFormatException e) {
                throw e;
            } catch (IllegalArgumentException e) { // encoders and head that do not fit: a damaged or edited file
                throw new ModelFormatException(configFile, "describes parts that do not fit together: "
                        + e.getMessage(), e);
            }
            LOG.info("loaded similarity model from {} (encoders {}, head {})", dir, encoders.keySet(),
                    head.typeName());
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static void checkHeader(Path configFile, JsonObject config) {
        if (!config.has("format") && isPythonServable(configFile.getParent(), config)) {
            throw new ModelFormatException(configFile.getParent(), "is a servable saved by Python Quaterion "
                    + "(quaterion_models' SimilarityModel.save: head/config.json, head/weights.bin), not by this "
                    + "library: load it with org.quaterion.models.python.PythonServable.load(dir, encoders, "
                    + "recordType), giving a Java encoder per encoder key, and save it with SimilarityModel.save to "
                    + "serve it with SimilarityModel.load");
        }
        JsonElement format = config.get("format");
        if (format == null || !format.isJsonPrimitive() || !SimilarityModel.FORMAT.equals(format.getAsString())) {
            throw new ModelFormatException(configFile, "is not a Quaterion similarity model config (format is "
                    + config.get("format") + ", expected \"" + SimilarityModel.FORMAT + "\")");
        }
        JsonElement version = config.get("schema_version");
        if (version == null || !version.isJsonPrimitive() || !version.getAsJsonPrimitive().isNumber()) {
            throw new ModelFormatException(configFile, "has no integer schema_version");
        }
        int v = version.getAsInt();
        if (v > SimilarityModel.SCHEMA_VERSION) {
            throw new ModelFormatException(configFile, "has schema_version " + v + ", newer than this library reads ("
                    + SimilarityModel.SCHEMA_VERSION + "): upgrade quaterion-models to load it");
        }
        if (v < 1) {
            throw new ModelFormatException(configFile, "has invalid schema_version " + v);
        }
        for (String member : new String[] {"encoders", "head", "files"}) {
            if (!config.has(member)) {
                throw new ModelFormatException(configFile, "lacks '" + member + "': the file is incomplete");
            }
        }
    }

    /**
     * Python Quaterion's layout: {@code head/config.json} and {@code head/weights.bin} beside a config whose head
     * names a Python class ({@code {"module", "class"}}) instead of our {@code {"type", "config"}}.
     */
    private static boolean isPythonServable(Path dir, JsonObject config) {
        JsonElement head = config.get("head");
        boolean pythonHead = head != null && head.isJsonObject() && head.getAsJsonObject().has("class");
        return dir != null && (pythonHead || (Files.isRegularFile(dir.resolve("head").resolve("config.json"))
                && Files.isRegularFile(dir.resolve("head").resolve("weights.bin"))));
    }

    private static void verifyFiles(Path dir, Path configFile, JsonObject config) {
        if (!config.has("files") || !config.get("files").isJsonObject()) {
            throw new ModelFormatException(configFile, "has no \"files\" object with checksums: save the model again");
        }
        JsonObject files = config.getAsJsonObject("files");
        checkOnlyListedFiles(dir, configFile, files);
        for (String rel : files.keySet()) { // every size before any hash: a huge file is refused before it is read
            Path file = dir.resolve(rel).normalize();
            if (!file.startsWith(dir.normalize())) {
                throw new ModelFormatException(configFile, "lists a file outside the model directory: " + rel);
            }
            if (!Files.isRegularFile(file)) {
                throw new ModelFormatException(file, "is missing: the saved model is incomplete; save it again");
            }
            boolean head = rel.equals(SavedModelLayout.HEAD_PARAMETERS);
            ArtifactLimits.checkFileSize(file, head ? ArtifactLimits.maxHeadParameterFileBytes()
                    : ArtifactLimits.maxFileBytes(), head ? ArtifactLimits.MAX_HEAD_PARAMETERS_PROPERTY
                            : ArtifactLimits.MAX_FILE_BYTES_PROPERTY);
        }
        for (String rel : files.keySet()) {
            Path file = dir.resolve(rel).normalize();
            String actual;
            try {
                actual = Checksums.sha256(file);
            } catch (IOException e) {
                throw new ModelFormatException(file, "cannot be read: " + e.getMessage(), e);
            }
            if (!actual.equals(files.get(rel).getAsString())) {
                throw new CorruptArtifactException(file, "is truncated or corrupt (SHA-256 differs from config.json); "
                        + "save the model again");
            }
        }
    }

    /**
     * The members of config.json that load reads have the JSON types it reads them as, so that a damaged or edited
     * file is refused with its name instead of failing later with a raw exception. A config of another format (a
     * Python servable's) is left to {@link #checkHeader}, which also checks presence.
     */
    private static void checkStructure(Path configFile, JsonObject config) {
        require(configFile, config, "format", SavedModelReader::isString, "a string");
        if (!config.has("format") || !SimilarityModel.FORMAT.equals(config.get("format").getAsString())) {
            return;
        }
        require(configFile, config, "data_type", SavedModelReader::isString, "a string");
        require(configFile, config, "files", f -> f.isJsonObject() && f.getAsJsonObject().entrySet().stream()
                .allMatch(e -> isString(e.getValue())), "an object of checksum strings");
        require(configFile, config, "head", h -> h.isJsonObject() && isString(h.getAsJsonObject().get("type"))
                && isObject(h.getAsJsonObject().get("config")), "an object with a string 'type' and an object "
                        + "'config'");
        require(configFile, config, "encoders", list -> list.isJsonArray() && list.getAsJsonArray().asList().stream()
                .allMatch(e -> e.isJsonObject() && isString(e.getAsJsonObject().get("key"))
                        && SavedModelLayout.KEY.matcher(e.getAsJsonObject().get("key").getAsString()).matches()
                        && isString(e.getAsJsonObject().get("type"))), "a list of objects with a string 'type' and a "
                                + "'key' that is a safe directory name");
        if (isObject(config.get("training"))) {
            require(configFile, config.getAsJsonObject("training"), "record_type", SavedModelReader::isString,
                    "a string");
        }
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static boolean isObject(JsonElement e) {
        return e != null && e.isJsonObject();
    }

    /** Refuses a member that is present but fails {@code test}. */
    private static void require(Path configFile, JsonObject json, String member,
            java.util.function.Predicate<JsonElement> test, String what) {
        JsonElement value = json.get(member);
        if (value != null && !test.test(value)) {
            throw new CorruptArtifactException(configFile, "has a '" + member + "' that is not " + what + ": the "
                    + "file is damaged or was edited; save the model again");
        }
    }

    /**
     * Every entry of the model directory is a plain directory or a regular file listed in {@code files{}} (besides
     * config.json and the artifact marker): no symbolic links (which could point at system files or another model),
     * no devices or pipes, no unlisted file that an encoder might read unverified.
     */
    private static void checkOnlyListedFiles(Path dir, Path configFile, JsonObject files) {
        Path root = dir.toAbsolutePath().normalize();
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (Files.isSymbolicLink(p)) {
                    throw new ModelFormatException(p, "is a symbolic link; a saved model holds only its own files "
                            + "(copy the target in and save the model again)");
                }
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                boolean ours = rel.equals(SavedModelLayout.CONFIG_FILE) || rel.equals(AtomicDirectory.MARKER);
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || (!ours && !files.has(rel))) {
                    throw new ModelFormatException(p, "is not one of the files config.json lists; a saved model "
                            + "holds only the files its config lists (remove it, or save the model again)");
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ModelFormatException(dir, "cannot be listed: " + e.getMessage(), e);
        }
    }

    /** The saved prompts (schema version 2), or {@link Prompts#NONE} when the model has none. */
    private static Prompts parsePrompts(Path configFile, JsonObject config) {
        if (!config.has("prompts")) {
            return Prompts.NONE;
        }
        if (config.get("schema_version").getAsInt() < 2) {
            throw new CorruptArtifactException(configFile, "has 'prompts' but schema_version "
                    + config.get("schema_version") + " (prompts came with version 2): the file was edited; save the "
                    + "model again");
        }
        return Prompts.fromJson(config.get("prompts"), configFile);
    }

    private static DataType parseDataType(Path configFile, JsonObject config) {
        String name = config.has("data_type") ? config.get("data_type").getAsString() : "float32";
        switch (name) {
            case "float32":
                return DataType.FLOAT32;
            case "float64":
                return DataType.FLOAT64;
            default:
                throw new ModelFormatException(configFile, "has unsupported data_type '" + name
                        + "': float32 or float64");
        }
    }
}
