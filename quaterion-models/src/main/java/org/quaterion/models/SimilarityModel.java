package org.quaterion.models;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.models.tensor.Scalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servable similarity model: one or more named encoders whose outputs are concatenated in sorted-name order
 * (Quaterion's contract), then a head.
 *
 * <p>{@code embedding(records) = head(concat_{k in sorted(keys)} encoder_k(collate_k(records)))}, shape
 * {@code (B, head.outputSize())}.
 *
 * <p>{@link #encode} runs in inference mode without gradients, is safe to call from many threads at once, and
 * leaves no NDArray behind. A model may carry {@link Prompts}, text prefixes per input role saved with it:
 * {@link #encodeQueries} and {@link #encodeDocuments} apply the query and document prefixes (asymmetric search), plain
 * {@link #encode} applies the prompts' default role when they have one and nothing otherwise, and {@link #forward}
 * (the raw pass the trainer uses on records it has prefixed itself) applies none. {@link #save} writes a versioned
 * directory atomically; {@link #load} restores it through a {@link ModelRegistry} of type names. Close the model to
 * free its native memory.
 *
 * @param <T> the record type
 */
public final class SimilarityModel<T> implements AutoCloseable {

    /** The key of the encoder of a single-encoder model. */
    public static final String DEFAULT_ENCODER_KEY = "default";
    /**
     * The newest version of the saved format this library reads and writes: version 2 adds {@link Prompts}; a model
     * without prompts is written as version 1, which earlier releases read too.
     */
    public static final int SCHEMA_VERSION = 2;
    /** The {@code format} marker of {@code config.json}. */
    public static final String FORMAT = "quaterion-similarity-model";
    /** The artifact kind in a saved model's marker: {@link #save} replaces only an empty directory or a saved model. */
    public static final String KIND = "similarity-model";

    private static final Logger LOG = LoggerFactory.getLogger(SimilarityModel.class);

    private final CloseGate gate = new CloseGate("SimilarityModel");
    private final NDManager manager;
    private final JsonObject training;
    private final SortedMap<String, Encoder<T>> encoders;
    private final EncoderHead head;
    private final DataType dataType;
    /** Every encoder's inference output is independent of the batch, so the head is applied row by row too. */
    private final boolean batchInvariant;
    /** The class name of the records the model takes, when known (recorded at save); else null. */
    private final String recordType;
    /** The text prefixes per input role; {@link Prompts#NONE} for none. */
    private final Prompts prompts;
    /** Frees the native memory with a warning when the model is garbage-collected without {@link #close()}. */
    private final LeakDetector.Tracker leak;

    SimilarityModel(NDManager manager, Map<String, Encoder<T>> encoders, EncoderHead head,
            DataType dataType, JsonObject training, String recordType, Prompts prompts) {
        this.training = training;
        this.recordType = recordType != null ? recordType
                : training != null && training.has("record_type") ? training.get("record_type").getAsString() : null;
        this.prompts = Objects.requireNonNull(prompts, "prompts (Prompts.NONE for none)");
        if (prompts.hasPrefix() && this.recordType != null && !String.class.getName().equals(this.recordType)) {
            throw new IllegalArgumentException("prompts prefix text, but the model takes " + typeName(this.recordType)
                    + " records: use Prompts.NONE for a model of non-text records");
        }
        this.manager = manager;
        this.encoders = Collections.unmodifiableSortedMap(new TreeMap<>(encoders));
        this.head = head;
        this.dataType = dataType;
        this.batchInvariant = this.encoders.values().stream().allMatch(Encoder::batchInvariant);
        int total = encodersOutputSize(this.encoders);
        if (head.inputSize() != total) {
            Map<String, Integer> sizes = new LinkedHashMap<>();
            this.encoders.forEach((k, e) -> sizes.put(k, e.embeddingSize()));
            throw new IllegalArgumentException("the head expects input size " + head.inputSize() + " but the encoders "
                    + sizes + " produce " + total + ": configure the head with inputSize " + total);
        }
        this.encoders.values().forEach(e -> e.initialize(manager, dataType));
        if (!head.isInitialized()) {
            head.initialize(manager, dataType);
        }
        this.leak = LeakDetector.track(this, LOG, "SimilarityModel (encoders " + this.encoders.keySet() + ", head "
                + head.typeName() + ")", release(this.encoders.values(), manager));
    }

    /** What {@link #close()} frees; a static method, so that the action holds no reference to the model. */
    private static Runnable release(java.util.Collection<? extends Encoder<?>> encoders, NDManager manager) {
        List<Encoder<?>> owned = List.copyOf(encoders);
        return () -> {
            owned.forEach(Encoder::close);
            manager.close();
        };
    }

    /**
     * Enters the close gate and keeps this model reachable until the pass is closed: without the fence, the garbage
     * collector may reclaim a model whose method is still running on its native memory (once the method no longer
     * reads a field), and the leak detector would free that memory under it.
     */
    private CloseGate.Pass enter() {
        CloseGate.Pass pass = gate.enter();
        return () -> {
            pass.close();
            java.lang.ref.Reference.reachabilityFence(this);
        };
    }

    /**
     * Starts a builder.
     *
     * @param <T> the record type
     * @return a new builder
     */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * The sum of the encoders' embedding sizes: the input size the head must have.
     *
     * @param encoders the encoders
     * @return the total width
     */
    public static int encodersOutputSize(Map<String, ? extends Encoder<?>> encoders) {
        return encoders.values().stream().mapToInt(Encoder::embeddingSize).sum();
    }

    /**
     * The encoders, by name, in concatenation order.
     *
     * @return an unmodifiable sorted map
     */
    public SortedMap<String, Encoder<T>> encoders() {
        return encoders;
    }

    /**
     * The head.
     *
     * @return the head
     */
    public EncoderHead head() {
        return head;
    }

    /**
     * The floating type of the model's parameters and outputs.
     *
     * @return FLOAT32 or FLOAT64
     */
    public DataType dataType() {
        return dataType;
    }

    /**
     * The device the model runs on.
     *
     * @return the device
     */
    public Device device() {
        return manager.getDevice();
    }

    /**
     * The manager that owns the model's parameters.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * The width of the embeddings this model produces.
     *
     * @return {@code head().outputSize()}
     */
    public int embeddingSize() {
        return head.outputSize();
    }

    /**
     * The parameters a trainer optimises: the head's and those of trainable encoders, prefixed {@code head.} and
     * {@code <key>.}.
     *
     * @return the trainable parameters
     */
    public ParameterList trainableParameters() {
        ParameterList out = new ParameterList();
        for (Map.Entry<String, Encoder<T>> e : encoders.entrySet()) {
            if (e.getValue().trainable()) {
                for (Pair<String, Parameter> p : e.getValue().parameters()) {
                    out.add(e.getKey() + "." + p.getKey(), p.getValue());
                }
            }
        }
        for (Map.Entry<String, Parameter> p : head.namedParameters().entrySet()) {
            out.add("head." + p.getKey(), p.getValue());
        }
        return out;
    }

    /**
     * The text prefixes per input role this model applies ({@link Prompts#NONE} for none): saved with the model, set
     * by training ({@code TrainableModel.configurePrompts}) or {@link Builder#optPrompts}.
     *
     * @return the prompts
     */
    public Prompts prompts() {
        return prompts;
    }

    /**
     * Encodes records into embeddings, in batches, in inference mode, with the prefix of the prompts' default role
     * (none when the prompts have no default role).
     *
     * @param records the records, non-empty, no nulls
     * @param batchSize records per forward pass, at least 1
     * @return one {@code float[embeddingSize()]} row per record, in input order
     */
    public float[][] encode(List<T> records, int batchSize) {
        return encode(records, batchSize, embeddingSize(), false);
    }

    /**
     * Encodes queries: records with the prompts' query prefix (e5's {@code "query: "}), as the model trained them
     * (the first member of each training pair). Without a query prefix this is {@link #encode(List, int)} without
     * the default role's prefix, for records of any type.
     *
     * @param records the records, non-empty, no nulls; {@code String}s when the model has a query prefix
     * @param batchSize records per forward pass, at least 1
     * @return one {@code float[embeddingSize()]} row per record, in input order
     * @throws IllegalArgumentException when the model has a query prefix and a record is not a {@code String}
     */
    public float[][] encodeQueries(List<T> records, int batchSize) {
        return encode(Prompts.Role.QUERY, records, batchSize);
    }

    /**
     * Encodes documents: records with the prompts' document prefix (e5's {@code "passage: "}), as the model trained
     * them (the second member of each training pair and its negatives). Without a document prefix this is
     * {@link #encode(List, int)} without the default role's prefix, for records of any type.
     *
     * @param records the records, non-empty, no nulls; {@code String}s when the model has a document prefix
     * @param batchSize records per forward pass, at least 1
     * @return one {@code float[embeddingSize()]} row per record, in input order
     * @throws IllegalArgumentException when the model has a document prefix and a record is not a {@code String}
     */
    public float[][] encodeDocuments(List<T> records, int batchSize) {
        return encode(Prompts.Role.DOCUMENT, records, batchSize);
    }

    /**
     * Encodes records with a role's prefix.
     *
     * @param role the input role, not null
     * @param records the records, non-empty, no nulls; {@code String}s when the role has a prefix
     * @param batchSize records per forward pass, at least 1
     * @return one {@code float[embeddingSize()]} row per record, in input order
     * @throws IllegalArgumentException when the role has a prefix and a record is not a {@code String}
     */
    public float[][] encode(Prompts.Role role, List<T> records, int batchSize) {
        return encodeRows(Objects.requireNonNull(role, "role (QUERY or DOCUMENT)"), records, batchSize,
                embeddingSize(), false);
    }

    /**
     * Encodes records into the first {@code dimensions} values of their embeddings (Matryoshka embeddings: a model
     * trained with {@code MatryoshkaLoss} keeps its prefixes usable), optionally L2-normalised again, as a cosine or
     * dot-product index of the short vectors needs. The prompts' default role applies as in {@link #encode(List, int)}.
     *
     * @param records the records, non-empty, no nulls
     * @param batchSize records per forward pass, at least 1
     * @param dimensions how many leading values to keep, 1 to {@link #embeddingSize()}
     * @param normalize whether to scale each prefix to unit length
     * @return one {@code float[dimensions]} row per record, in input order
     */
    public float[][] encode(List<T> records, int batchSize, int dimensions, boolean normalize) {
        return encodeRows(prompts.defaultRole().orElse(null), records, batchSize, dimensions, normalize);
    }

    /** Encodes records with a role's prefix (null: none) into their first {@code dimensions} values. */
    private float[][] encodeRows(Prompts.Role role, List<T> given, int batchSize, int dimensions, boolean normalize) {
        if (dimensions < 1 || dimensions > embeddingSize()) {
            throw new IllegalArgumentException("dimensions must be in [1, " + embeddingSize() + "], got "
                    + dimensions);
        }
        try (CloseGate.Pass pass = enter()) {
            checkRecords(given, batchSize);
            List<T> records = prompts.apply(role, given);
            float[][] out = new float[records.size()][];
            int width = dimensions;
            for (int start = 0; start < records.size(); start += batchSize) {
                List<T> batch = records.subList(start, Math.min(records.size(), start + batchSize));
                try (NDScope scope = new NDScope(); NDManager batchManager = manager.newSubManager()) {
                    NDArray embeddings = forward(batch, batchManager, false);
                    if (dimensions < embeddingSize()) {
                        embeddings = embeddings.get(new NDIndex(":, 0:{}", dimensions));
                    }
                    if (normalize) {
                        NDArray norms = Scalars.max(embeddings.norm(new int[] {1}, true), 1e-12);
                        embeddings = embeddings.div(norms);
                    }
                    float[] flat = embeddings.toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < batch.size(); i++) {
                        float[] row = new float[width];
                        System.arraycopy(flat, i * width, row, 0, width);
                        out[start + i] = row;
                    }
                }
            }
            return out;
        }
    }

    /**
     * Encodes records into one {@code (N, embeddingSize())} array owned by {@code target}, in inference mode, with
     * the prefix of the prompts' default role as {@link #encode(List, int)}.
     *
     * @param records the records, non-empty, no nulls
     * @param batchSize records per forward pass, at least 1
     * @param target the manager that will own the result (on any device)
     * @return the embeddings in the model's data type
     */
    public NDArray encodeToArray(List<T> records, int batchSize, NDManager target) {
        return encodeToArray(prompts.defaultRole().orElse(null), records, batchSize, target);
    }

    /**
     * Encodes records with a role's prefix into one {@code (N, embeddingSize())} array owned by {@code target}, as
     * {@link #encodeQueries} and {@link #encodeDocuments} do.
     *
     * @param role the input role, or null for no prefix at all
     * @param given the records, non-empty, no nulls; {@code String}s when the role has a prefix
     * @param batchSize records per forward pass, at least 1
     * @param target the manager that will own the result (on any device)
     * @return the embeddings in the model's data type
     * @throws IllegalArgumentException when the role has a prefix and a record is not a {@code String}
     */
    public NDArray encodeToArray(Prompts.Role role, List<T> given, int batchSize, NDManager target) {
        try (CloseGate.Pass pass = enter()) {
            checkRecords(given, batchSize);
            List<T> records = prompts.apply(role, given);
            NDArray result;
            // each batch's intermediates are freed with the batch: only its output is kept until the end (keeping
            // them all made a transformer's peak memory grow with the number of records)
            try (NDScope scope = new NDScope(); NDManager collected = manager.newSubManager()) {
                NDList parts = new NDList();
                for (int start = 0; start < records.size(); start += batchSize) {
                    List<T> batch = records.subList(start, Math.min(records.size(), start + batchSize));
                    try (NDScope batchScope = new NDScope(); NDManager batchManager = manager.newSubManager()) {
                        NDArray out = forward(batch, batchManager, false);
                        out.attach(collected);
                        NDScope.unregister(out);
                        parts.add(out);
                    }
                }
                NDArray joined = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
                result = target.from(joined);
                if (result == joined) {
                    result = joined.duplicate();
                    result.attach(target);
                }
                NDScope.unregister(result);
            }
            return result;
        }
    }

    /**
     * One forward pass: collate per encoder, encode, concatenate in name order, apply the head. No prompt is applied:
     * the records are encoded as given (the trainer prefixes its batches itself).
     *
     * <p>Arrays are created in (or attached to) {@code callManager}; wrap the call in an {@link NDScope} to free
     * temporaries that ops attach to parameter managers. Used by {@link #encode} and by the trainer.
     *
     * @param records the batch, non-empty
     * @param callManager the manager of this call
     * @param training training mode (frozen encoders still run in inference mode)
     * @return the {@code (B, embeddingSize())} embeddings
     */
    public NDArray forward(List<T> records, NDManager callManager, boolean training) {
        try (CloseGate.Pass pass = enter()) {
            NDList outputs = new NDList(encoders.size());
            List<String> routes = null;
            for (Map.Entry<String, Encoder<T>> e : encoders.entrySet()) {
                Encoder<T> encoder = e.getValue();
                NDList input;
                try {
                    input = encoder.collate(records, callManager);
                    if (routes == null) {
                        routes = encoder.routes(records);
                    }
                } catch (ClassCastException cce) {
                    throw wrongRecordType(e.getKey(), encoder, records, cce);
                }
                outputs.add(encoder.forward(input, training));
            }
            NDArray joined = outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 1);
            if (training || records.size() == 1 || !batchInvariant) {
                return applyHead(joined, routes, training);
            }
            // batch-invariant encoders: the head runs row by row too, because a matrix product over B rows can round
            // differently from the same product over one row, and a record's embedding must not depend on its batch
            NDList rows = new NDList(records.size());
            for (int i = 0; i < records.size(); i++) {
                rows.add(applyHead(joined.get(i + ":" + (i + 1)), routes == null ? null : routes.subList(i, i + 1),
                        false));
            }
            return NDArrays.concat(rows, 0);
        }
    }

    /**
     * Applies the head to already concatenated encoder outputs (e.g. from the embedding cache).
     *
     * @param joined {@code (B, head().inputSize())}
     * @param routes per-record routes for a switching head, or null
     * @param training training mode
     * @return the {@code (B, embeddingSize())} embeddings
     */
    public NDArray applyHead(NDArray joined, List<String> routes, boolean training) {
        try (CloseGate.Pass pass = enter()) {
            NDArray x = joined.getDataType() == dataType ? joined : joined.toType(dataType, false);
            return head.apply(new ParameterStore(joined.getManager(), false), x, routes, training);
        }
    }

    /**
     * The message of a record the encoder cannot take (a model used with records of another type, e.g. through the
     * untyped {@code load(dir)}): the type recorded for the model, when known, and the types given.
     */
    private IllegalArgumentException wrongRecordType(String key, Encoder<T> encoder, List<T> records,
            ClassCastException cce) {
        java.util.Set<String> given = new java.util.TreeSet<>();
        for (Object record : records) {
            given.add(record == null ? "null" : record.getClass().getTypeName());
        }
        String expected = recordType == null ? null : typeName(recordType);
        return new IllegalArgumentException("encoder '" + key + "' (" + encoder.typeName() + ") cannot take records "
                + "of type " + String.join(", ", given) + (expected == null ? "" : "; this model takes " + expected
                + " records (its record_type)") + ". Load the model with SimilarityModel.load(dir, "
                + (expected == null ? "RecordType" : expected) + ".class), which checks the type at load, and encode "
                + "records of that type (" + cce.getMessage() + ")", cce);
    }

    /** {@code "[F"} → {@code "float[]"}; a class name of a class not loadable here stays as it is. */
    private static String typeName(String className) {
        try {
            return Class.forName(className, false, SimilarityModel.class.getClassLoader()).getTypeName();
        } catch (ClassNotFoundException | LinkageError e) {
            return className;
        }
    }

    private static <T> void checkRecords(List<T> records, int batchSize) {
        if (records == null || records.isEmpty()) {
            throw new IllegalArgumentException("records is empty: pass at least one record to encode");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new IllegalArgumentException("record " + i + " is null: remove nulls before encoding");
            }
        }
    }

    /**
     * Saves the model as a directory, atomically (temporary sibling, then rename): {@code config.json}
     * (schema version, type names, head config, file checksums), {@code head/parameters.params},
     * {@code encoders/<key>/} and {@code serving.properties} (what lets plain DJL's {@code Criteria} load it, see
     * {@link org.quaterion.models.djl}).
     *
     * @param dir the directory to create, or to replace when it is empty or a model saved by this method; any other
     *     existing directory is refused (never deleted)
     * @throws IOException when writing fails; an existing model at {@code dir} is then left untouched
     * @throws IllegalArgumentException when {@code dir} is a file or a directory that is not a saved model
     */
    public void save(Path dir) throws IOException {
        save(dir, training);
    }

    /**
     * How this model was trained, as recorded in its {@code config.json} (library version, loss, optimizer, trainer
     * settings, seed, data sizes, times, best epoch), when it was saved by {@code TrainableModel.saveServable}.
     *
     * @return a copy of the record, or null when none was saved
     */
    public JsonObject training() {
        return training == null ? null : training.deepCopy();
    }

    /**
     * Saves the model as {@link #save(Path)} does, recording how it was trained under {@code "training"} in
     * {@code config.json} (what {@code quaterion info} prints).
     *
     * @param dir the directory to create, or to replace when it is empty or a model saved by this method
     * @param trainingRecord the provenance record, or null for none
     * @throws IOException when writing fails; an existing model at {@code dir} is then left untouched
     */
    public void save(Path dir, JsonObject trainingRecord) throws IOException {
        try (CloseGate.Pass pass = enter()) {
            SavedModelWriter.write(this, dir, trainingRecord);
            LOG.info("saved similarity model to {}", dir);
        }
    }

    /**
     * Loads a saved model on the default device with the type names found by {@link ModelRegistry#discover()},
     * without checking its record type: the model is assigned to whatever {@code SimilarityModel<T>} the caller
     * declares, and records of another type than the model takes fail only at the first {@code encode} (with an
     * {@code IllegalArgumentException} naming both types).
     *
     * @param dir the directory {@link #save} wrote
     * @param <T> the record type
     * @return the model
     * @throws ModelFormatException when the directory is missing, truncated, corrupt, of a newer schema, or
     *     names an unregistered type
     * @deprecated use {@link #load(Path, Class)}, which checks the record type at load ({@code Object.class} when
     *     the caller takes any record type)
     */
    @Deprecated(since = "0.1.0")
    public static <T> SimilarityModel<T> load(Path dir) {
        return SavedModelReader.load(dir, ModelRegistry.discover(), null);
    }

    /**
     * Loads a saved model and checks that it takes records of the given type, so that a wrong type fails here with
     * a message naming both types instead of at the first {@code encode}. The type is the one recorded in
     * {@code config.json} ({@code record_type}: by training, by {@link Builder#optRecordType}, or by
     * {@code PythonServable.load}); a model saved without one (built by hand without a type, or by an older version)
     * is loaded unchecked (an INFO line says so; records of another type are then named at the first {@code encode}).
     * {@code Object.class} accepts any model.
     *
     * @param dir the directory {@link #save} wrote
     * @param recordType the records the caller will encode, e.g. {@code String.class} or {@code float[].class}
     * @param <T> the record type
     * @return the model
     * @throws ModelFormatException when the directory is not a loadable model
     * @throws IllegalArgumentException when the model was trained on records of another type
     */
    public static <T> SimilarityModel<T> load(Path dir, Class<T> recordType) {
        return load(dir, ModelRegistry.discover(), null, recordType);
    }

    /**
     * Loads a saved model with a registry and device, checking the record type as {@link #load(Path, Class)} does.
     *
     * @param dir the directory {@link #save} wrote
     * @param registry resolves encoder and head type names
     * @param device the device to load onto, or null for the engine's default device
     * @param recordType the records the caller will encode
     * @param <T> the record type
     * @return the model
     * @throws ModelFormatException when the directory is not a loadable model
     * @throws IllegalArgumentException when the model was trained on records of another type
     */
    public static <T> SimilarityModel<T> load(Path dir, ModelRegistry registry, Device device, Class<T> recordType) {
        Objects.requireNonNull(recordType, "recordType");
        SimilarityModel<T> model = SavedModelReader.load(dir, registry, device);
        try {
            SavedModelReader.checkRecordType(dir, model.recordType(), recordType);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * The class name of the records this model takes, as recorded in its {@code config.json} (by training, by
     * {@link Builder#optRecordType}, or by {@code PythonServable.load}).
     *
     * @return e.g. {@code "java.lang.String"} or {@code "[F"}; null when not recorded
     */
    public String recordType() {
        return recordType;
    }

    /**
     * Loads a saved model without checking its record type (see {@link #load(Path)}).
     *
     * @param dir the directory {@link #save} wrote
     * @param registry resolves encoder and head type names
     * @param device the device to load onto, or null for the engine's default device
     * @param <T> the record type
     * @return the model
     * @throws ModelFormatException when the directory is missing, truncated, corrupt, of a newer schema, or
     *     names an unregistered type
     * @deprecated use {@link #load(Path, ModelRegistry, Device, Class)}, which checks the record type at load
     */
    @Deprecated(since = "0.1.0")
    public static <T> SimilarityModel<T> load(Path dir, ModelRegistry registry, Device device) {
        return SavedModelReader.load(dir, registry, device);
    }

    /**
     * Frees the model's native memory (parameters, encoder sessions): once every call in flight has returned; later
     * calls throw {@code IllegalStateException}. A model the garbage collector reclaims without {@code close()} is
     * freed then, with a warning that names where it was loaded.
     */
    @Override
    public void close() {
        gate.close(leak::close);
    }

    @Override
    public String toString() {
        return "SimilarityModel{encoders=" + encoders + ", head=" + head + ", dataType=" + dataType
                + (prompts.isEmpty() ? "" : ", prompts=" + prompts) + "}";
    }

    /**
     * Builds a {@link SimilarityModel}. Required: at least one encoder and a head.
     *
     * @param <T> the record type
     */
    public static final class Builder<T> {
        private final Map<String, Encoder<T>> encoders = new LinkedHashMap<>();
        private EncoderHead head;
        private Device device;
        private DataType dataType = DataType.FLOAT32;
        private Class<T> recordType;
        private Prompts prompts = Prompts.NONE;

        private Builder() {}

        /**
         * Adds a named encoder; outputs are concatenated in sorted-name order.
         *
         * @param key the name (a safe directory name)
         * @param encoder the encoder
         * @return this builder
         */
        public Builder<T> addEncoder(String key, Encoder<T> encoder) {
            SavedModelLayout.checkKey(key);
            if (encoders.containsKey(key)) {
                throw new IllegalArgumentException("encoder key '" + key + "' is used twice: keys must be unique");
            }
            encoders.put(key, Objects.requireNonNull(encoder, "encoder"));
            return this;
        }

        /**
         * Sets the single encoder, under {@value SimilarityModel#DEFAULT_ENCODER_KEY}.
         *
         * @param encoder the encoder
         * @return this builder
         */
        public Builder<T> setEncoder(Encoder<T> encoder) {
            return addEncoder(DEFAULT_ENCODER_KEY, encoder);
        }

        /**
         * Sets the head (required); its input size must equal the sum of the encoders' sizes.
         *
         * @param head the head
         * @return this builder
         */
        public Builder<T> setHead(EncoderHead head) {
            this.head = head;
            return this;
        }

        /**
         * Sets the device (default: the engine's default device, a GPU when the CUDA build finds one).
         *
         * @param device the device
         * @return this builder
         */
        public Builder<T> optDevice(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Sets the floating type of parameters and outputs (default FLOAT32).
         *
         * @param dataType FLOAT32 or FLOAT64
         * @return this builder
         */
        public Builder<T> optDataType(DataType dataType) {
            if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64) {
                throw new IllegalArgumentException("dataType must be FLOAT32 or FLOAT64, got " + dataType
                        + " (BFLOAT16 aborts the JVM on DJL's CPU build)");
            }
            this.dataType = dataType;
            return this;
        }

        /**
         * Records the type of the records the model takes (default: none), saved as {@code record_type} in
         * {@code config.json} so that {@link SimilarityModel#load(Path, Class)} checks it. Training records it by
         * itself; a model built by hand and saved for a service should say it here.
         *
         * @param recordType the record class, e.g. {@code String.class} or {@code float[].class}
         * @return this builder
         */
        public Builder<T> optRecordType(Class<T> recordType) {
            this.recordType = Objects.requireNonNull(recordType, "recordType");
            return this;
        }

        /**
         * Sets the text prefixes per input role (default {@link Prompts#NONE}), saved with the model and applied by
         * {@link SimilarityModel#encodeQueries}, {@link SimilarityModel#encodeDocuments} and (the default role's)
         * {@link SimilarityModel#encode}. Prefixes need {@code String} records.
         *
         * @param prompts the prompts
         * @return this builder
         */
        public Builder<T> optPrompts(Prompts prompts) {
            this.prompts = Objects.requireNonNull(prompts, "prompts (Prompts.NONE for none)");
            return this;
        }

        /**
         * Validates and builds; initializes encoders and head on the model's manager.
         *
         * @return the model
         */
        public SimilarityModel<T> build() {
            if (encoders.isEmpty()) {
                throw new IllegalArgumentException("a SimilarityModel needs at least one encoder: call setEncoder or "
                        + "addEncoder");
            }
            if (head == null) {
                throw new IllegalArgumentException("a SimilarityModel needs a head: call setHead (EmptyHead for none)");
            }
            NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
            try {
                return new SimilarityModel<>(manager, encoders, head, dataType, null,
                        recordType == null ? null : recordType.getName(), prompts);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }
    }
}
